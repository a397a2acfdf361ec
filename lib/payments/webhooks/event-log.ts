// The stripe_events table: one row per Stripe event id, written in the same
// transaction as the event's effects, so a row that says PROCESSED means the
// effects are there. The stored payloads double as the history of each
// subscription and payment intent, which is how events that arrive before their
// license, or after a newer event, are put in order (see process-event.ts).
import type Stripe from "stripe";
import { prisma } from "../../db/client";
import { Prisma } from "../../generated/prisma/client";

type Tx = Prisma.TransactionClient;

/**
 * Claims the event in `tx`: inserts its row, or takes over a FAILED one (a retry,
 * counted in `attempts`). False when the row exists in any other state: the event
 * was already handled, so this delivery is a duplicate. A concurrent delivery of
 * the same id waits on the primary key until this transaction ends.
 */
export async function claimEvent(tx: Tx, event: Stripe.Event): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO stripe_events (id, type, payload) VALUES (${event.id}, ${event.type}, ${JSON.stringify(event)}::jsonb)
    ON CONFLICT (id) DO UPDATE SET status = 'PROCESSING', error = NULL, attempts = stripe_events.attempts + 1
      WHERE stripe_events.status = 'FAILED'
    RETURNING id`;
  return rows.length > 0;
}

/** Marks the claimed event done; `reason` says why an IGNORED one was left alone (shown in the console). */
export async function finishEvent(tx: Tx, id: string, status: "PROCESSED" | "IGNORED", reason: string | null = null): Promise<void> {
  await tx.stripeEvent.update({ where: { id }, data: { status, reason, processedAt: new Date() } });
}

/** Records a failed attempt after its transaction rolled back, for the admin to see and re-run. */
export async function recordFailure(event: Stripe.Event, message: string): Promise<void> {
  await prisma().$executeRaw`
    INSERT INTO stripe_events (id, type, payload, status, error) VALUES (${event.id}, ${event.type}, ${JSON.stringify(event)}::jsonb, 'FAILED', ${message})
    ON CONFLICT (id) DO UPDATE SET status = 'FAILED', error = EXCLUDED.error, attempts = stripe_events.attempts + 1
      WHERE stripe_events.status = 'FAILED'`;
}

// Stored events are found by the subscription or payment intent they are about:
// the columns subscription_id and payment_intent_id, which PostgreSQL generates
// from the payload (prisma/migrations/20261129000000_stripe_event_subjects) by
// the rules of stripe-objects.ts. Checkout sessions count for ordering, so that
// a subscription event older than the purchase does not undo it.
const CREATED = Prisma.sql`(payload ->> 'created')::bigint`;

/**
 * Events of `types` already processed for this subscription or payment intent,
 * oldest first: for a license just minted, the events whose effect waited for it.
 */
export async function eventsAwaitingLicense(
  tx: Tx,
  license: { stripeSubscriptionId: string | null; stripePaymentIntentId: string | null },
  types: string[],
  exceptId: string,
): Promise<Stripe.Event[]> {
  const about: Prisma.Sql[] = [];
  if (license.stripeSubscriptionId) about.push(Prisma.sql`subscription_id = ${license.stripeSubscriptionId}`);
  // Charges only: an invoice payment names the payment intent too, but is not an event about the license.
  if (license.stripePaymentIntentId) about.push(Prisma.sql`(payment_intent_id = ${license.stripePaymentIntentId} AND type LIKE 'charge.%')`);
  if (about.length === 0 || types.length === 0) return [];
  const rows = await tx.$queryRaw<{ payload: Stripe.Event }[]>`
    SELECT payload FROM stripe_events
    WHERE status = 'PROCESSED' AND id <> ${exceptId} AND type IN (${Prisma.join(types)}) AND (${Prisma.join(about, " OR ")})
    ORDER BY ${CREATED}, received_at, id`;
  return rows.map((r) => r.payload);
}

/** True when an event of the same subscription (of `types`, or any) created after this one has already been processed. */
export async function newerEventProcessed(
  tx: Tx,
  event: { id: string; created: number },
  subscriptionId: string,
  types?: string[],
): Promise<boolean> {
  const ofType = types ? Prisma.sql`AND type IN (${Prisma.join(types)})` : Prisma.empty;
  const rows = await tx.$queryRaw<{ newer: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM stripe_events
      WHERE status = 'PROCESSED' AND id <> ${event.id} AND ${CREATED} > ${event.created} AND subscription_id = ${subscriptionId} ${ofType}
    ) AS newer`;
  return rows[0]?.newer ?? false;
}

/**
 * The invoice a payment intent paid. In this API version neither charges nor
 * payment intents name their invoice: the only link is the invoice_payment
 * object, which Stripe sends in `invoice_payment.paid` events.
 */
export async function invoiceOfPaymentIntent(tx: Tx, paymentIntentId: string): Promise<string | null> {
  const rows = await tx.$queryRaw<{ invoice: string | null }[]>`
    SELECT payload #>> '{data,object,invoice}' AS invoice FROM stripe_events
    WHERE type = 'invoice_payment.paid' AND payment_intent_id = ${paymentIntentId}
    LIMIT 1`;
  return rows[0]?.invoice ?? null;
}
