// invoice.payment_failed: a subscription payment was declined. The license is
// suspended ("payment_failed") until a payment succeeds (invoice.paid, or the
// subscription back to active).
import type Stripe from "stripe";
import { isOutdated, licenseEvent } from "../context";
import { changeLicense, paymentSuspension } from "../license-changes";
import { licenseOfSubscription } from "../license-lookup";
import { invoiceSubscriptionId } from "../stripe-objects";

export const invoicePaymentFailed = licenseEvent<Stripe.Invoice>({
  lockKeys: (invoice) => [invoiceSubscriptionId(invoice)],
  findLicense: (ctx, invoice) => licenseOfSubscription(ctx, invoiceSubscriptionId(invoice)),

  async apply(ctx, license, invoice) {
    if (await isOutdated(ctx, invoiceSubscriptionId(invoice))) return license;
    return changeLicense(ctx, license, paymentSuspension(license, "payment_failed"));
  },
});
