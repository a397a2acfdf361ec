// The webhook's only proof of origin: Stripe's signature over the raw body,
// checked before anything is parsed or written.
import type Stripe from "stripe";
import { readWebBody, WEBHOOK_BODY_LIMIT } from "../../http/body";
import { ApiError } from "../../http/errors";
import { stripe, webhookSecret } from "../stripe-client";

/** The event in a webhook request; 400 when the signature is missing, wrong or older than Stripe's 5-minute tolerance. */
export async function verifiedEvent(request: Request): Promise<Stripe.Event> {
  const signature = request.headers.get("stripe-signature");
  if (!signature) throw new ApiError("BAD_REQUEST", "Missing Stripe-Signature header");
  const raw = await readWebBody(request, WEBHOOK_BODY_LIMIT);
  const secret = webhookSecret();
  try {
    return stripe().webhooks.constructEvent(raw, signature, secret);
  } catch (error) {
    throw new ApiError("BAD_REQUEST", `Invalid Stripe signature: ${error instanceof Error ? error.message : "verification failed"}`);
  }
}
