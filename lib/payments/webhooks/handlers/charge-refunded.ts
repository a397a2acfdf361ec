// charge.refunded: a full refund takes the license back (REVOKED, "refunded");
// a partial refund (a goodwill discount) leaves it as it is; the event row records it.
import type Stripe from "stripe";
import { licenseEvent } from "../context";
import { changeLicense } from "../license-changes";
import { licenseOfPaymentIntent } from "../license-lookup";
import { idOf, isFullRefund } from "../stripe-objects";

export const chargeRefunded = licenseEvent<Stripe.Charge>({
  lockKeys: (charge) => [idOf(charge.payment_intent)],
  findLicense: (ctx, charge) => licenseOfPaymentIntent(ctx, idOf(charge.payment_intent)),

  async apply(ctx, license, charge) {
    if (!isFullRefund(charge) || license.status === "REVOKED") return license;
    return changeLicense(ctx, license, { status: "REVOKED", statusReason: "refunded" });
  },
});
