// Stripe's webhook endpoint: verify, then dispatch (lib/payments/webhooks).
// 200 for every event recorded (handled, ignored or repeated); 400 for a bad
// signature or a signed event whose content cannot be processed (recorded as
// FAILED); 503 while the database is down; 500 only for a fault of ours. Stripe
// retries every non-2xx answer.
import { errorResponse } from "@/lib/http/errors";
import { processStripeEvent } from "@/lib/payments/webhooks/process-event";
import { verifiedEvent } from "@/lib/payments/webhooks/verify";
import { otherMethods } from "@/lib/http/route-methods";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    await processStripeEvent(await verifiedEvent(request));
    return Response.json({ received: true });
  } catch (error) {
    const { status, headers, json } = errorResponse(error);
    return Response.json(json, { status, headers });
  }
}

export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
