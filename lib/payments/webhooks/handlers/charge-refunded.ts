// charge.refunded: a full refund takes the license back (REVOKED, "refunded");
// a partial refund (a goodwill discount) leaves it as it is; the event row records it.
import type Stripe from "stripe";
import { licenseEvent } from "../context";
import { recordPaymentEvent } from "../../../webhooks/record";
import { invoiceOfPaymentIntent } from "../event-log";
import { changeLicense } from "../license-changes";
import { licenseOfPaymentIntent } from "../license-lookup";
import { idOf, isFullRefund } from "../stripe-objects";

export const chargeRefunded = licenseEvent<Stripe.Charge>({
  lockKeys: (charge) => [idOf(charge.payment_intent)],
  findLicense: (ctx, charge) => licenseOfPaymentIntent(ctx, idOf(charge.payment_intent)),

  async apply(ctx, license, charge) {
    const after = !isFullRefund(charge) || license.status === "REVOKED" ? license : await changeLicense(ctx, license, { status: "REVOKED", statusReason: "refunded" });
    // The vendor hears of every refund, full or partial: the Payment row it refunds (the
    // subscription invoice's, else the purchase's) with the amount refunded so far.
    const invoiceId = await invoiceOfPaymentIntent(ctx.tx, idOf(charge.payment_intent) ?? "");
    const payment =
      (invoiceId ? await ctx.tx.payment.findUnique({ where: { stripeInvoiceId: invoiceId } }) : null) ??
      (license.stripeCheckoutSessionId ? await ctx.tx.payment.findUnique({ where: { stripeCheckoutSessionId: license.stripeCheckoutSessionId } }) : null);
    await recordPaymentEvent(ctx.tx, "payment.refunded", {
      id: payment?.id ?? null,
      amountCents: charge.amount_refunded,
      currency: charge.currency.toLowerCase(),
      licenseId: license.id,
      stripeId: charge.id,
    });
    return after;
  },
});
