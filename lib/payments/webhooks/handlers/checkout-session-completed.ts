// checkout.session.completed and checkout.session.async_payment_succeeded: the
// purchase. A paid session mints exactly one license (stripeCheckoutSessionId is
// unique and the session id is locked), records the payment, applies the
// subscription's or payment's events that arrived before it, and queues the key
// email in the same transaction.
import type Stripe from "stripe";
import { writeAudit } from "../../../audit/log";
import { queueLicenseEmail, renewsAutomatically } from "../../../email/messages";
import type { Prisma } from "../../../generated/prisma/client";
import { ApiError } from "../../../http/errors";
import { issueLicense, lockPlanForLicense } from "../../../licensing/issue";
import { recordTrial } from "../../../licensing/trials";
import type { EventHandler, Ignored } from "../context";
import { buyerOf, linkStripeCustomer } from "../customer";
import { recordPayment } from "../payments";
import { idOf } from "../stripe-objects";
import { applyPaidUpgrade, upgradedLicenseId } from "../license-upgrade";

/**
 * Why a completed session is none of the portal's business, or null when it is a purchase to fulfil.
 * Every session the portal creates (lib/payments/checkout.ts) is in payment or subscription mode and
 * carries `metadata.plan`; Payment Links, other applications on the same Stripe account and setup-mode
 * sessions do not. They are recorded as IGNORED (2xx) rather than failed: Stripe would retry a failure
 * for three days and flag the endpoint, and no re-run could ever fulfil them.
 */
function notOurs(session: Stripe.Checkout.Session): Ignored | null {
  if (session.mode === "setup") return { ignored: `Checkout session ${session.id} is in setup mode: nothing was bought.` };
  const plan = session.metadata?.plan;
  if (typeof plan !== "string" || plan.trim() === "") {
    const keys = Object.keys(session.metadata ?? {});
    const has =
      keys.length === 0
        ? "no metadata"
        : plan !== undefined
          ? `metadata "plan" is ${typeof plan === "string" ? "empty" : `not a plan slug but ${JSON.stringify(plan).slice(0, 60)}`}`
          : `metadata ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(", ")} but no "plan"`;
    return { ignored: `Checkout session ${session.id} was not created by this portal (${has}: a Payment Link or another application).` };
  }
  return null;
}

async function planOf(tx: Prisma.TransactionClient, session: Stripe.Checkout.Session) {
  const slug = session.metadata?.plan;
  if (!slug) throw new ApiError("BAD_REQUEST", `Checkout session ${session.id} names no plan (metadata.plan)`);
  // Locked against a deletion of the plan until the license is written (see lockPlanForLicense).
  const id = await lockPlanForLicense(tx, { slug });
  const plan = id && (await tx.plan.findUnique({ where: { id }, include: { product: { select: { name: true } } } }));
  if (!plan) throw new ApiError("BAD_REQUEST", `Checkout session ${session.id} names an unknown plan "${slug}"`);
  return plan;
}

export const checkoutSessionCompleted: EventHandler<Stripe.Checkout.Session> = {
  lockKeys: (session) => [session.id, idOf(session.subscription), idOf(session.payment_intent), idOf(session.customer)],

  async handle(ctx, session) {
    // Delayed payment methods (bank debits) complete the session unpaid;
    // async_payment_succeeded follows once the money is there. A free session
    // (no_payment_required: full discount, trial) is fulfilled like a paid one.
    const foreign = notOurs(session);
    if (foreign) return foreign;
    if (session.payment_status === "unpaid") {
      return { ignored: `Checkout session ${session.id} is not paid yet; checkout.session.async_payment_succeeded will fulfil it.` };
    }
    // Only Stripe's two fulfilled states mint (API.md: payment_status "paid"; a free session is
    // "no_payment_required"). Anything else (absent, or a value this portal does not know) is not
    // proof of payment: before, every status but "unpaid" minted a license.
    if (session.payment_status !== "paid" && session.payment_status !== "no_payment_required") {
      const status = session.payment_status == null ? "no payment_status" : `payment_status ${JSON.stringify(session.payment_status)}`;
      return { ignored: `Checkout session ${session.id} has ${status}, not "paid" or "no_payment_required": nothing is fulfilled.` };
    }
    // The other of the two events for this session may have minted it already.
    if (await ctx.tx.license.findUnique({ where: { stripeCheckoutSessionId: session.id }, select: { id: true } })) return;

    const { tx } = ctx;
    const plan = await planOf(tx, session);
    const buyer = await buyerOf(tx, session);
    await linkStripeCustomer(tx, buyer, session);
    // An upgrade or a trial's conversion moves the license it names (same key); only if that is gone is one minted.
    if (upgradedLicenseId(session) && (await applyPaidUpgrade(ctx, session, plan, buyer))) return;
    // A subscription bought with a Stripe trial (lib/payments/checkout.ts): a trial license until it turns active.
    const trialDays = session.mode === "subscription" ? Number(session.metadata?.trial) : NaN;
    const trial = Number.isInteger(trialDays) && trialDays > 0;
    const { license, key } = await issueLicense(tx, {
      plan,
      userId: buyer.id,
      now: ctx.now,
      ...(trial ? { trial, expiresAt: new Date(ctx.now.getTime() + trialDays * 86_400_000) } : {}),
      stripe: {
        customerId: idOf(session.customer),
        subscriptionId: idOf(session.subscription),
        checkoutSessionId: session.id,
        paymentIntentId: idOf(session.payment_intent),
      },
    });
    if (trial) await recordTrial(tx, buyer.id, plan.productId, license.id);
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "license.create",
      target: { type: "license", id: license.id },
      // Never the key: the audit log is read by every admin, for years.
      data: {
        event: ctx.event.type,
        plan: plan.slug,
        email: buyer.email,
        checkoutSession: session.id,
        expiresAt: license.expiresAt?.toISOString() ?? null,
        keyHint: license.keyHint,
      },
    });
    await recordPayment(ctx, {
      userId: buyer.id,
      licenseId: license.id,
      amountCents: session.amount_total ?? 0,
      currency: session.currency ?? plan.currency,
      stripeCheckoutSessionId: session.id,
      stripeInvoiceId: idOf(session.invoice),
      stripePaymentIntentId: idOf(session.payment_intent),
      planId: plan.id,
      kind: "purchase",
    });
    const current = await ctx.applyWaitingEvents(license);

    // In this transaction: an SMTP outage delays the key email but cannot lose it (lib/email/outbox.ts).
    await queueLicenseEmail(tx, { to: buyer.email, productName: plan.product.name, planName: plan.name, key, expiresAt: current.expiresAt, renews: renewsAutomatically(current), occasion: "purchase" });
  },
};
