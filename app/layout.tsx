import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { currentUser } from "@/lib/auth/session";
import { storeSettings } from "@/lib/storefront/settings";
import { signOutAction } from "./signin/actions";
import "./globals.css";

/** Page titles carry the vendor's store name (console → Storefront). */
export async function generateMetadata(): Promise<Metadata> {
  // Rendered per request: the store's name lives in the database, which a build never reaches.
  await connection();
  const store = await storeSettings();
  return { title: { default: store.name, template: `%s · ${store.name}` }, description: store.headline ?? undefined };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection(); // as above: every page shows the store's name from the database
  const [user, store] = await Promise.all([currentUser(), storeSettings()]);
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <SiteHeader user={user} signOut={signOutAction} storeName={store.name} />
        <main className="mx-auto w-full max-w-5xl px-4 py-10 sm:px-6">{children}</main>
      </body>
    </html>
  );
}
