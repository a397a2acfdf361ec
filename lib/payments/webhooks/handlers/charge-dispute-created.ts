// charge.dispute.created: the buyer contests the payment. The license is
// suspended ("dispute") until an admin decides; no Stripe event lifts it. The
// Payment is marked disputed, which the customer's orders show.
import type Stripe from "stripe";
import { licenseEvent } from "../context";
import { changeLicense } from "../license-changes";
import { licenseOfPaymentIntent } from "../license-lookup";
import { disputePayment, paymentOfPaymentIntent } from "../payments";
import { idOf } from "../stripe-objects";

export const chargeDisputeCreated = licenseEvent<Stripe.Dispute>({
  lockKeys: (dispute) => [idOf(dispute.payment_intent)],
  findLicense: (ctx, dispute) => licenseOfPaymentIntent(ctx, idOf(dispute.payment_intent)),

  async apply(ctx, license, dispute) {
    const payment = await paymentOfPaymentIntent(ctx, idOf(dispute.payment_intent), license);
    if (payment) await disputePayment(ctx, payment, dispute);
    if (license.status === "REVOKED") return license;
    return changeLicense(ctx, license, { status: "SUSPENDED", statusReason: "dispute" });
  },
});
