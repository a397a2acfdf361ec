// invoice.paid: a subscription's period is paid. The license runs to the end of
// that period and a payment suspension is lifted.
//
// Expiry: the checkout mints with the plan's duration as a stand-in; the first
// invoice (billing_reason "subscription_create") replaces it with the real
// period end, unless a later invoice was applied already; every later invoice
// only extends it, never shortens it. A license whose subscription was canceled
// stays ended. With invoices that arrive before their checkout replayed at mint,
// every order of delivery ends with the same expiry.
import type Stripe from "stripe";
import { isOutdated, licenseEvent } from "../context";
import { changeLicense, isCanceled, later, reinstatement, type LicensePatch } from "../license-changes";
import { licenseOfSubscription } from "../license-lookup";
import { recordPayment } from "../payments";
import { invoicePeriodEnd, invoiceSubscriptionId } from "../stripe-objects";

export const invoicePaid = licenseEvent<Stripe.Invoice>({
  lockKeys: (invoice) => [invoiceSubscriptionId(invoice)],
  findLicense: (ctx, invoice) => licenseOfSubscription(ctx, invoiceSubscriptionId(invoice)),

  async apply(ctx, license, invoice) {
    const subscriptionId = invoiceSubscriptionId(invoice);
    const first = invoice.billing_reason === "subscription_create";
    const periodEnd = invoicePeriodEnd(invoice);
    const patch: LicensePatch = {};
    if (periodEnd && license.expiresAt !== null && !isCanceled(license)) {
      const replaces = first && !(await isOutdated(ctx, subscriptionId, ["invoice.paid"]));
      patch.expiresAt = replaces ? periodEnd : later(license.expiresAt, periodEnd);
    }
    if (!(await isOutdated(ctx, subscriptionId))) Object.assign(patch, reinstatement(license));
    const updated = await changeLicense(ctx, license, patch);
    if (!first) {
      await recordPayment(ctx, {
        userId: license.userId,
        licenseId: license.id,
        amountCents: invoice.amount_paid,
        currency: invoice.currency,
        stripeInvoiceId: invoice.id,
        // A prorated invoice of a plan or quantity change (billing_reason subscription_update) is no renewal.
        kind: invoice.billing_reason === "subscription_update" ? "change" : "renewal",
      });
    }
    return updated;
  },
});
