import type { Metadata } from "next";
import { EmailAddress } from "@/components/email-address";
import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { adminLayoutGate } from "@/lib/admin/guard";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · License Portal" }, robots: { index: false } };

/**
 * Checked here so that nothing of the console (not even its navigation) reaches
 * a customer, who gets a real 404 before anything streams. Every page and every
 * action checks again itself: a layout is not re-run on every navigation,
 * actions can be posted to directly, and a signed-out visitor is sent to sign in
 * by the page, which knows its own address to come back to.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await adminLayoutGate();
  if (!admin) return children;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm font-semibold tracking-wide text-slate-500 uppercase">Admin console</p>
        <p className="text-sm break-words text-slate-600">
          Signed in as <EmailAddress email={admin.email} />
        </p>
      </div>
      <AdminNav />
      {children}
    </div>
  );
}
