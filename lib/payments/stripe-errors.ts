// Telling Stripe's answers apart. By the error's `type` field, never `instanceof`: the SDK client is
// cached on globalThis (stripe-client.ts) and Next bundles the SDK more than once (its ESM and CJS
// builds land in different server bundles), so an error thrown by the client made in one bundle is
// not an instance of another bundle's `Stripe.errors` classes.

type StripeLike = { type?: unknown; code?: unknown };

function typeOf(error: unknown): string | null {
  return typeof error === "object" && error !== null && typeof (error as StripeLike).type === "string" ? ((error as StripeLike).type as string) : null;
}

/**
 * True when Stripe answered that the object does not exist (`resource_missing`: "No such customer",
 * "No such checkout.session"). Real Stripe and the local emulator answer alike.
 */
export function isMissingStripeObject(error: unknown): boolean {
  return typeOf(error) === "StripeInvalidRequestError" && (error as StripeLike).code === "resource_missing";
}

/** Stripe refused the request as invalid (say, changing a subscription that has ended). */
export function isStripeRefusal(error: unknown): boolean {
  return typeOf(error) === "StripeInvalidRequestError";
}

/** Stripe could not be reached or failed on its side: worth trying again later. */
export function isStripeUnavailable(error: unknown): boolean {
  const type = typeOf(error);
  return type === "StripeConnectionError" || type === "StripeAPIError" || type === "StripeRateLimitError";
}
