import type { Metadata } from "next";
import Link from "next/link";
import { LicenseKey } from "@/components/license-key";
import { BillingButton } from "@/components/portal/billing-button";
import { BillingNotice } from "@/components/portal/billing-notice";
import { secondaryButton } from "@/components/portal/buttons";
import { LicenseFacts } from "@/components/portal/license-facts";
import { Orders } from "@/components/portal/orders";
import { hasPaymentProblem, PaymentProblem } from "@/components/portal/payment-problem";
import { StatusBadge, TrialBadge } from "@/components/status-badge";
import { requireUser } from "@/lib/auth/session";
import { listLicensesForUser } from "@/lib/portal/licenses";
import { listOrdersForUser } from "@/lib/portal/orders";
import { openBillingPortal, revealKey } from "../actions";

export const metadata: Metadata = { title: "My licenses" };

export default async function AccountPage(props: { searchParams: Promise<{ billing?: string; receipt?: string }> }) {
  const user = await requireUser("/account");
  const [licenses, orders, { billing, receipt }] = await Promise.all([listLicensesForUser(user.id), listOrdersForUser(user.id), props.searchParams]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-3xl font-bold tracking-tight">My licenses</h1>
          <p className="text-sm break-words text-slate-600">Signed in as {user.email}</p>
        </div>
        {licenses.some((l) => l.stripeSubscriptionId) && <BillingButton action={openBillingPortal} />}
      </div>
      <BillingNotice problem={billing} />
      {licenses.length === 0 ? (
        <div className="rounded-lg border border-slate-200 bg-white p-6">
          <p>You have no licenses yet.</p>
          <Link prefetch={false} href="/pricing" className="mt-2 inline-block font-medium text-indigo-700 underline">
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
                <span className="flex flex-wrap items-center gap-1">
                  <StatusBadge status={l.status} />
                  {l.trial && <TrialBadge endsAt={l.expiresAt?.toISOString() ?? null} />}
                </span>
              </div>
              {hasPaymentProblem(l) && (
                <div className="mt-3">
                  <PaymentProblem license={l}>
                    <BillingButton action={openBillingPortal} licenseId={l.id} label="Update payment method" />
                  </PaymentProblem>
                </div>
              )}
              <div className="mt-3">
                <LicenseFacts {...l} />
              </div>
              <div className="mt-3 flex flex-wrap items-center justify-between gap-3">
                <LicenseKey licenseId={l.id} masked={l.maskedKey} reveal={revealKey} />
                <Link prefetch={false} href={`/account/licenses/${l.id}`} className={secondaryButton}>
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
      <Orders orders={orders} receiptProblem={receipt} />
    </div>
  );
}
