// charge.refunded: a full refund takes the license back (REVOKED, "refunded");
// a partial refund (a goodwill discount) leaves it as it is. Either way the
// refund is written onto its Payment, where the customer's orders show it.
import type Stripe from "stripe";
import { licenseEvent } from "../context";
import { recordPaymentEvent } from "../../../webhooks/record";
import { changeLicense } from "../license-changes";
import { licenseOfPaymentIntent } from "../license-lookup";
import { paymentOfPaymentIntent, refundPayment } from "../payments";
import { idOf, isFullRefund } from "../stripe-objects";

export const chargeRefunded = licenseEvent<Stripe.Charge>({
  lockKeys: (charge) => [idOf(charge.payment_intent)],
  findLicense: (ctx, charge) => licenseOfPaymentIntent(ctx, idOf(charge.payment_intent)),

  async apply(ctx, license, charge) {
    const after = !isFullRefund(charge) || license.status === "REVOKED" ? license : await changeLicense(ctx, license, { status: "REVOKED", statusReason: "refunded" });
    // The Payment row it refunds (the one-time purchase's, else the subscription invoice's).
    const payment = await paymentOfPaymentIntent(ctx, idOf(charge.payment_intent), license);
    if (payment) await refundPayment(ctx, payment, charge);
    // The vendor hears of every refund, full or partial, with the amount refunded so far.
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
