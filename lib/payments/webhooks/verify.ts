// The webhook's only proof of origin: Stripe's signature over the raw body,
// checked before anything is parsed or written.
import type Stripe from "stripe";
import { readWebBody, WEBHOOK_BODY_LIMIT } from "../../http/body";
import { ApiError } from "../../http/errors";
import { scrubJson } from "../../http/input";
import { stripe, webhookSecret } from "../stripe-client";
import { checkStripeEnvelope } from "./event-shapes";

/**
 * The event in a webhook request; 400 when the signature is missing, wrong or older than Stripe's 5-minute tolerance.
 * An envelope that is no Stripe event (event-shapes.ts) is 400 and recorded nowhere.
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
  // Before anything walks the event (scrubJson and JSON.stringify recurse) or records it: 400 for an
  // envelope that is no Stripe event (event-shapes.ts), so nothing a sender signs answers 500.
  checkStripeEnvelope(event as unknown);
  const checked = scrubJson(event as unknown);
  return checked as Stripe.Event;
}
