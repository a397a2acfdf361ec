import type { ReactNode } from "react";

/** Why Stripe's payment problem suspended the license, in the customer's words (license_changes.ts's payment reasons). */
const REASONS: Record<string, string> = {
  payment_failed: "the last renewal payment was declined",
  past_due: "the renewal payment is overdue: the card on file was declined",
  unpaid: "the subscription is unpaid after several declined attempts to charge the card on file",
};

/** True for a license suspended for a payment problem, which a new card can lift. */
export function hasPaymentProblem(license: { status: string; statusReason: string | null }): boolean {
  return license.status === "SUSPENDED" && Object.hasOwn(REASONS, license.statusReason ?? "");
}

/**
 * The banner on a license suspended because a subscription payment failed: why, what it means for
 * the application, and the way out (`children`: the "Update payment method" button to Stripe's Billing Portal).
 */
export function PaymentProblem(props: { license: { status: string; statusReason: string | null; productName: string }; children: ReactNode }) {
  if (!hasPaymentProblem(props.license)) return null;
  return (
    <div role="alert" className="space-y-2 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-950" data-testid="payment-problem">
      <p className="font-semibold">This license is suspended: {REASONS[props.license.statusReason ?? ""]}.</p>
      <p>
        {props.license.productName} stops working on your machines until the payment goes through. Update your payment method: the amount
        due is charged at once and the license is active again within seconds.
      </p>
      {props.children}
    </div>
  );
}
