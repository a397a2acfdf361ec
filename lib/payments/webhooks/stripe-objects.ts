// Where the Stripe objects of the handled events keep what the webhook needs, in
// the shapes of the pinned API version (lib/payments/stripe-client.ts; example
// objects in shared/stripe/fixtures3.json). The generated columns of stripe_events
// (prisma/migrations/20261129000000_stripe_event_subjects) read the same fields
// from stored payloads in SQL: keep the two in step.
import type Stripe from "stripe";

type Ref = string | { id: string } | null | undefined;

/** The id behind an expandable field: the string itself, or the expanded object's id. */
export function idOf(ref: Ref): string | null {
  if (!ref) return null;
  return typeof ref === "string" ? ref : ref.id;
}

const fromUnix = (seconds: number) => new Date(seconds * 1000);

/**
 * The subscription an invoice bills. Since API version 2025-03-31 it is named under
 * `parent.subscription_details`; an endpoint left on an older version still sends the
 * top-level `subscription` (which Stripe's example invoice also carries).
 */
export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  const legacy = (invoice as { subscription?: Ref }).subscription;
  return idOf(invoice.parent?.subscription_details?.subscription) ?? idOf(legacy);
}

/**
 * The end of the service period an invoice paid for: the latest end among its lines.
 * (The invoice's own `period_end` is the usage period, the moment of invoicing for renewals.)
 */
export function invoicePeriodEnd(invoice: Stripe.Invoice): Date | null {
  const ends = invoice.lines.data.map((line) => line.period.end);
  return ends.length > 0 ? fromUnix(Math.max(...ends)) : null;
}

/** The end of a subscription's current period: kept per item since API version 2025-03-31. */
export function subscriptionPeriodEnd(subscription: Stripe.Subscription): Date | null {
  // An endpoint on an API version before 2025-03-31 sends no per-item period (event-shapes.ts lets it through).
  const ends = subscription.items.data.map((item) => item.current_period_end).filter((end): end is number => typeof end === "number");
  return ends.length > 0 ? fromUnix(Math.max(...ends)) : null;
}

export function isFullRefund(charge: Stripe.Charge): boolean {
  return charge.refunded || (charge.amount > 0 && charge.amount_refunded >= charge.amount);
}
