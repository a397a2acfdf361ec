// The webhook's only proof of origin: Stripe's signature over the raw body,
// checked before anything is parsed or written.
import type Stripe from "stripe";
import { readWebBody, WEBHOOK_BODY_LIMIT } from "../../http/body";
import { ApiError } from "../../http/errors";
import { scrubJson } from "../../http/input";
import { stripe, webhookSecret } from "../stripe-client";

/**
 * The event in a webhook request; 400 when the signature is missing, wrong or older than Stripe's 5-minute tolerance.
 * Text inside the event is kept, never refused: every U+0000 and unpaired surrogate (which PostgreSQL cannot
 * store, in `jsonb` or `text`) is replaced by U+FFFD (API.md "Input domain"), so the event is recorded and processed.
 */
export async function verifiedEvent(request: Request): Promise<Stripe.Event> {
  const signature = request.headers.get("stripe-signature");
  if (!signature) throw new ApiError("BAD_REQUEST", "Missing Stripe-Signature header");
  const raw = await readWebBody(request, WEBHOOK_BODY_LIMIT);
  const secret = webhookSecret();
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(raw, signature, secret);
  } catch (error) {
    throw new ApiError("BAD_REQUEST", `Invalid Stripe signature: ${error instanceof Error ? error.message : "verification failed"}`);
  }
  const checked = scrubJson(event as unknown);
  if (typeof checked !== "object" || checked === null || typeof (checked as Stripe.Event).id !== "string" || typeof (checked as Stripe.Event).type !== "string") {
    throw new ApiError("BAD_REQUEST", "The signed body is not a Stripe event (no id or type)");
  }
  const { data } = checked as { data?: { object?: unknown } };
  if (typeof data?.object !== "object" || data.object === null) throw new ApiError("BAD_REQUEST", "The signed event has no data.object");
  return checked as Stripe.Event;
}
