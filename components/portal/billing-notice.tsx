import { BILLING_PROBLEMS, type BillingProblem } from "@/lib/payments/billing-portal";

/** Why "Billing and invoices" could not open Stripe's portal (`?billing=…` after the redirect); nothing for other values. */
export function BillingNotice({ problem }: { problem: string | undefined }) {
  if (!problem || !Object.hasOwn(BILLING_PROBLEMS, problem)) return null;
  return (
    <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="billing-notice">
      {BILLING_PROBLEMS[problem as BillingProblem]}
    </p>
  );
}
