import type { Metadata } from "next";
import Link from "next/link";
import { LicenseKey } from "@/components/license-key";
import { BillingButton } from "@/components/portal/billing-button";
import { secondaryButton } from "@/components/portal/buttons";
import { LicenseFacts } from "@/components/portal/license-facts";
import { StatusBadge } from "@/components/status-badge";
import { requireUser } from "@/lib/auth/session";
import { listLicensesForUser } from "@/lib/portal/licenses";
import { openBillingPortal, revealKey } from "../actions";

export const metadata: Metadata = { title: "My licenses" };

export default async function AccountPage(props: { searchParams: Promise<{ billing?: string }> }) {
  const user = await requireUser("/account");
  const [licenses, { billing }] = await Promise.all([listLicensesForUser(user.id), props.searchParams]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-3xl font-bold tracking-tight">My licenses</h1>
          <p className="text-sm break-words text-slate-600">Signed in as {user.email}</p>
        </div>
        {licenses.some((l) => l.stripeSubscriptionId) && <BillingButton action={openBillingPortal} />}
      </div>
      {billing === "none" && (
        <p role="status" className="rounded-md border border-slate-300 bg-white p-3 text-sm">
          There is no billing account for you yet: it appears after your first subscription payment.
        </p>
      )}
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
              <div className="mt-3">
                <LicenseFacts {...l} />
              </div>
              <div className="mt-3 flex flex-wrap items-center justify-between gap-3">
                <LicenseKey licenseId={l.id} masked={l.maskedKey} reveal={revealKey} />
                <Link href={`/account/licenses/${l.id}`} className={secondaryButton}>
                  Machines and downloads
                  <span className="sr-only">
                    &nbsp;for {l.productName} — {l.planName}
                  </span>
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
