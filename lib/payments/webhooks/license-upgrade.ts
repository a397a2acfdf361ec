// checkout.session.completed for a session that names an existing license
// (`metadata.license`, set by lib/payments/upgrades.ts): a one-off upgrade or a
// trial's conversion. The license moves to the bought plan with its key and
// machines; nothing is minted. Idempotent: the session's Payment row (unique by
// session id) is written in the same transaction, and a session whose payment is
// recorded changes nothing again (completed and async_payment_succeeded both come).
import type Stripe from "stripe";
import type { Plan, User } from "../../generated/prisma/client";
import type { HandlerContext } from "./context";
import { lockedLicense } from "./license-lookup";
import { recordPayment } from "./payments";
import { moveLicense, purchasedTerm } from "./plan-moves";
import { idOf } from "./stripe-objects";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The license a session upgrades, from its metadata; null when it names none (a purchase of a new license). */
export function upgradedLicenseId(session: Stripe.Checkout.Session): string | null {
  const id = session.metadata?.license;
  return typeof id === "string" && UUID.test(id) ? id : null;
}

/**
 * Applies the paid upgrade of `session` to its license: the bought plan and its seats, the end of a
 * trial, a new term (the plan's duration from now, or the subscription's period once its invoice is
 * applied), an ended trial working again; the payment recorded for `buyer`; the subscription's
 * waiting events applied. Answers false when the license no longer exists (the caller mints instead).
 */
export async function applyPaidUpgrade(ctx: HandlerContext, session: Stripe.Checkout.Session, plan: Plan, buyer: User): Promise<boolean> {
  const licenseId = upgradedLicenseId(session)!;
  if (await ctx.tx.payment.findUnique({ where: { stripeCheckoutSessionId: session.id }, select: { id: true } })) return true;
  const license = await lockedLicense(ctx.tx, { id: licenseId });
  if (!license) return false;
  const subscriptionId = idOf(session.subscription);
  const moved = await moveLicense(
    ctx,
    license,
    {
      plan,
      maxMachines: null,
      endTrial: true,
      expiresAt: purchasedTerm(license, plan, ctx.now),
      reactivate: true,
      stripe: { subscriptionId, customerId: idOf(session.customer) },
    },
    { checkoutSession: session.id },
  );
  await recordPayment(ctx, {
    userId: buyer.id,
    licenseId: license.id,
    amountCents: session.amount_total ?? 0,
    currency: session.currency ?? plan.currency,
    stripeCheckoutSessionId: session.id,
    stripeInvoiceId: idOf(session.invoice),
    // A one-time upgrade's charge carries its receipt, as a purchase's does.
    stripePaymentIntentId: idOf(session.payment_intent),
    // A trial bought is a first purchase; a paid license moved to a dearer plan, a change.
    kind: license.trial ? "purchase" : "change",
  });
  // A conversion to a subscription: its invoice.paid may have come first and waited for a license.
  if (subscriptionId) await ctx.applyWaitingEvents(moved);
  return true;
}
