// The webhook's dispatcher. Each event is handled in ONE transaction that
// records its stripe_events row and writes its effects, so a row marked
// PROCESSED always has its effects and a repeated or concurrent delivery of the
// same event id finds the row and changes nothing.
//
// Concurrency: the transaction first takes advisory locks on the event id and on
// the Stripe objects the handler names (subscription, payment intent, customer,
// checkout session), so events of one subscription apply one at a time and two
// deliveries of a checkout cannot both mint.
//
// Order: Stripe does not deliver in order. An event about a license that does
// not exist yet (e.g. invoice.paid before checkout.session.completed) is recorded
// as PROCESSED with its effect pending; minting a license then replays the
// processed events of its subscription and payment intent, oldest `created`
// first, in the minting transaction. An event older than one already applied to
// its subscription does not change the status (context.ts isOutdated).
//
// Failures: a database outage propagates (the route answers 503, Stripe
// retries); any other error rolls the transaction back, marks the row FAILED
// with the message and answers 400 when the event's content is the cause (an
// unknown plan, no buyer email) or 500 for anything else. Stripe retries every
// non-2xx answer, and an admin can re-run the event (rerunStripeEvent).
import type Stripe from "stripe";
import { prisma } from "../../db/client";
import type { License } from "../../generated/prisma/client";
import { ApiError, isDatabaseUnavailable } from "../../http/errors";
import type { EventHandler, HandlerContext } from "./context";
import { lockKeys } from "../../db/advisory-locks";
import { claimEvent, eventsAwaitingLicense, finishEvent, recordFailure } from "./event-log";
import { handlerFor, LICENSE_EVENT_TYPES } from "./registry";
import { checkStripeObject } from "./event-shapes";
import { logger } from "../../logging/logger";

export type Outcome = "processed" | "ignored" | "duplicate";

/**
 * An event that failed in its handler and is now recorded FAILED with the error (stripe_events.error):
 * 400 when the event's content is the cause, 500 otherwise. The console's re-run tells it apart from
 * errors that recorded nothing.
 */
export class StripeEventFailed extends ApiError {}

// Waiting for the locks counts against the timeout; ten deliveries of one event queue up behind each other.
const TRANSACTION = { maxWait: 10_000, timeout: 20_000 };

function contextFor(tx: HandlerContext["tx"], event: Stripe.Event, replaying: boolean): HandlerContext {
  return {
    tx,
    event: { id: event.id, type: event.type, created: event.created },
    previousAttributes: (event.data as { previous_attributes?: Record<string, unknown> }).previous_attributes ?? null,
    actor: { type: "stripe", id: event.id },
    now: new Date(),
    replaying,
    async applyWaitingEvents(license: License) {
      let current = license;
      for (const waiting of await eventsAwaitingLicense(tx, current, LICENSE_EVENT_TYPES, event.id)) {
        const apply = handlerFor(waiting.type)?.apply;
        if (apply) current = await apply(contextFor(tx, waiting, true), current, waiting.data.object);
      }
      return current;
    },
  };
}

async function handleInTransaction(event: Stripe.Event, handler: EventHandler<unknown> | undefined): Promise<Outcome> {
  const object: unknown = event.data.object;
  const keys = [event.id, ...(handler?.lockKeys(object) ?? [])].filter((k): k is string => Boolean(k));
  return prisma().$transaction(async (tx) => {
    await lockKeys(tx, keys.map((k) => `stripe:${k}`));
    if (!(await claimEvent(tx, event))) return "duplicate";
    if (!handler) {
      await finishEvent(tx, event.id, "IGNORED", `The portal does not act on ${event.type} events.`);
      return "ignored";
    }
    const result = await handler.handle(contextFor(tx, event, false), object);
    if (result && "ignored" in result) {
      await finishEvent(tx, event.id, "IGNORED", result.ignored);
      return "ignored";
    }
    await finishEvent(tx, event.id, "PROCESSED");
    return "processed";
  }, TRANSACTION);
}

export async function processStripeEvent(event: Stripe.Event): Promise<Outcome> {
  try {
    // The fields the handler reads, before it reads them: an object that is not what Stripe sends is
    // the event's fault (400, recorded FAILED below), not a TypeError of ours.
    checkStripeObject(event.type, event.data.object);
    return await handleInTransaction(event, handlerFor(event.type));
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    logger().error({ err: error, eventId: event.id, eventType: event.type }, "Stripe event failed");
    await recordFailure(event, message);
    // What the event itself says makes it unprocessable (a plan that does not exist, no buyer email):
    // a 4xx naming the cause, not a server fault. Stripe retries any non-2xx answer, so the event
    // still goes through once the cause is fixed. Anything else is ours: 500.
    if (error instanceof ApiError && error.status < 500) {
      throw new StripeEventFailed(error.code, `Stripe event ${event.id} could not be processed: ${message}. It is recorded as FAILED for a re-run`);
    }
    throw new StripeEventFailed("INTERNAL", `Stripe event ${event.id} could not be processed; it is recorded as FAILED for a re-run`);
  }
}

/** Re-processes a FAILED event from its stored payload (admin console); any other state is a no-op "duplicate". */
export async function rerunStripeEvent(eventId: string): Promise<Outcome> {
  const row = await prisma().stripeEvent.findUnique({ where: { id: eventId }, select: { payload: true } });
  if (!row) throw new ApiError("NOT_FOUND", `Stripe event ${eventId} was never received`);
  return processStripeEvent(row.payload as unknown as Stripe.Event);
}
