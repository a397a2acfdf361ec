// customer.subscription.deleted: the subscription has ended (canceled now, or at
// the end of its period). The license expires now, if it had not already.
// Deletion is final in Stripe, so no later event can make it outdated.
import type Stripe from "stripe";
import { licenseEvent } from "../context";
import { cancellation, changeLicense, earlier } from "../license-changes";
import { licenseOfSubscription } from "../license-lookup";

export const customerSubscriptionDeleted = licenseEvent<Stripe.Subscription>({
  lockKeys: (subscription) => [subscription.id],
  findLicense: (ctx, subscription) => licenseOfSubscription(ctx, subscription.id),

  apply: (ctx, license) => changeLicense(ctx, license, { expiresAt: earlier(license.expiresAt, ctx.now), ...cancellation(license) }),
});
