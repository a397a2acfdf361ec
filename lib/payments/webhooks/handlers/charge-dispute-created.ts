// charge.dispute.created: the buyer contests the payment. The license is
// suspended ("dispute") until an admin decides; no Stripe event lifts it.
import type Stripe from "stripe";
import { licenseEvent } from "../context";
import { changeLicense } from "../license-changes";
import { licenseOfPaymentIntent } from "../license-lookup";
import { idOf } from "../stripe-objects";

export const chargeDisputeCreated = licenseEvent<Stripe.Dispute>({
  lockKeys: (dispute) => [idOf(dispute.payment_intent)],
  findLicense: (ctx, dispute) => licenseOfPaymentIntent(ctx, idOf(dispute.payment_intent)),

  async apply(ctx, license) {
    if (license.status === "REVOKED") return license;
    return changeLicense(ctx, license, { status: "SUSPENDED", statusReason: "dispute" });
  },
});
