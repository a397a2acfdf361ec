import type { Metadata } from "next";
import Link from "next/link";
import { LicenseKey } from "@/components/license-key";
import { StatusBadge } from "@/components/status-badge";
import { requireUser } from "@/lib/auth/session";
import { listLicensesForUser } from "@/lib/portal/licenses";
import { openBillingPortal, revealKey } from "./actions";

export const metadata: Metadata = { title: "My licenses" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

export default async function AccountPage() {
  const user = await requireUser("/account");
  const licenses = await listLicensesForUser(user.id);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">My licenses</h1>
          <p className="text-sm text-slate-600">Signed in as {user.email}</p>
        </div>
        {licenses.some((l) => l.stripeSubscriptionId) && (
          <form action={openBillingPortal}>
            <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600">
              Billing and invoices
            </button>
          </form>
        )}
      </div>
      {licenses.length === 0 ? (
        <div className="rounded-lg border border-slate-200 bg-white p-6">
          <p>You have no licenses yet.</p>
          <Link href="/pricing" className="mt-2 inline-block font-medium text-indigo-700 underline">
            See the plans
          </Link>
        </div>
      ) : (
        <ul className="space-y-4">
          {licenses.map((l) => (
            <li key={l.id} className="rounded-lg border border-slate-200 bg-white p-5" data-license={l.id}>
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="text-lg font-semibold">
                  {l.productName} — {l.planName}
                </h2>
                <StatusBadge status={l.status} />
              </div>
              <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
                <div>
                  <dt className="text-slate-500">Expires</dt>
                  <dd>{l.expiresAt ? dateFormat.format(l.expiresAt) : "Perpetual"}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Machines</dt>
                  <dd>
                    {l.seatsUsed} of {l.seatsTotal} in use{l.floating ? " (floating)" : ""}
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">Features</dt>
                  <dd>{l.entitlements.length ? l.entitlements.join(", ") : "—"}</dd>
                </div>
              </dl>
              <div className="mt-3">
                <LicenseKey licenseId={l.id} masked={l.maskedKey} reveal={revealKey} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
