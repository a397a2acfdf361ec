import Stripe from "stripe";

/**
 * True when Stripe answered that the object does not exist (`resource_missing`: "No such customer",
 * "No such checkout.session"). Real Stripe and the local emulator answer alike.
 */
export function isMissingStripeObject(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "resource_missing";
}
