import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { currentUser } from "@/lib/auth/session";
import { signOutAction } from "./signin/actions";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "License Portal", template: "%s · License Portal" },
  description: "Sell, issue and enforce software licenses: Stripe checkout, machine activation and a signed license API.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <SiteHeader user={user} signOut={signOutAction} />
        <main className="mx-auto w-full max-w-5xl px-4 py-10 sm:px-6">{children}</main>
      </body>
    </html>
  );
}
