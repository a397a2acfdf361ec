// customer.subscription.updated: the subscription's status decides the license's.
// past_due / unpaid suspend it (reason = that status); active / trialing lift a
// payment suspension; canceled ends it at the end of the period paid for.
// Other statuses (incomplete, incomplete_expired, paused) leave it as it is.
// Whatever the status, the license follows cancel_at_period_end, so the portal
// says "Ends on" or "Renews on" and offers Resume or Cancel as Stripe has it.
// A changed item (plan or quantity) moves the license to that plan and seats, and
// a Stripe trial that turned active ends the license's trial (plan-moves.ts).
import type Stripe from "stripe";
import type { License } from "../../../generated/prisma/client";
import { isOutdated, licenseEvent } from "../context";
import { cancellation, changeLicense, earlier, paymentSuspension, reinstatement, type LicensePatch } from "../license-changes";
import { licenseOfSubscription } from "../license-lookup";
import { applySubscriptionItem } from "../plan-moves";
import { subscriptionPeriodEnd } from "../stripe-objects";

/** Paid-through: the period end, or the license's own expiry if earlier (a period never paid for). */
function canceledAt(license: License, subscription: Stripe.Subscription, now: Date): LicensePatch {
  const expiresAt = earlier(license.expiresAt, subscriptionPeriodEnd(subscription) ?? now);
  return expiresAt <= now ? { expiresAt, ...cancellation(license) } : { expiresAt };
}

/**
 * Set to end instead of renewing: `cancel_at_period_end`, or (since API version 2025-03-31, which
 * the Billing Portal uses) a `cancel_at` instant on or before the period's end.
 */
function endsAtPeriodEnd(subscription: Stripe.Subscription): boolean {
  if (subscription.cancel_at_period_end) return true;
  const end = subscriptionPeriodEnd(subscription);
  return subscription.cancel_at != null && end !== null && subscription.cancel_at * 1000 <= end.getTime();
}

export const customerSubscriptionUpdated = licenseEvent<Stripe.Subscription>({
  lockKeys: (subscription) => [subscription.id],
  findLicense: (ctx, subscription) => licenseOfSubscription(ctx, subscription.id),

  async apply(ctx, found, subscription) {
    if (await isOutdated(ctx, subscription.id)) return found;
    const license = await applySubscriptionItem(ctx, found, subscription);
    const renewal: LicensePatch = { cancelAtPeriodEnd: endsAtPeriodEnd(subscription) };
    switch (subscription.status) {
      case "past_due":
        return changeLicense(ctx, license, { ...renewal, ...paymentSuspension(license, "past_due") });
      case "unpaid":
        return changeLicense(ctx, license, { ...renewal, ...paymentSuspension(license, "unpaid") });
      case "active":
      case "trialing":
        return changeLicense(ctx, license, { ...renewal, ...reinstatement(license) });
      case "canceled":
        return changeLicense(ctx, license, canceledAt(license, subscription, ctx.now));
      default:
        return changeLicense(ctx, license, renewal);
    }
  },
});
