// Recording outbound events inside the caller's transaction (API.md "Outbound
// webhooks": "an event is recorded in the same transaction as the change that
// causes it"). One statement writes the event, one delivery per enabled
// endpoint whose filter matches, and one outbox job per delivery; the jobs
// reach pg-boss when the transaction commits (lib/jobs/outbox.ts), and nothing
// is sent for a transaction that rolls back.
import { randomBytes } from "node:crypto";
import { sqlQuery, type Tx } from "../db/sql";
import type { MachineSnapshot } from "../licensing/decision";
import { licensePayload, licensePayloads, machinePayload } from "./payloads";
import { TEST_EVENT_TYPE, type WebhookEventData, type WebhookEventType } from "./schemas";

export const DELIVERY_QUEUE = "webhook.deliver";

/** A job of the delivery queue: attempt number `attempt + 1` of delivery `deliveryId`. */
export type DeliveryJob = { deliveryId: string; attempt: number };

/** `evt_` + 26 characters of base32 (128 random bits): the event id and the webhook-id header. */
export function newEventId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = randomBytes(16);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let id = "";
  for (let i = 0; i < 26; i++) id += alphabet[Number((bits >> BigInt(5 * i)) & 31n)];
  return `evt_${id}`;
}

/**
 * Records an event of `type` with `data` in the caller's transaction and
 * queues one delivery to every enabled endpoint that takes this type (an
 * endpoint with no filter takes every type). Returns the event id (`evt_…`).
 *
 * `tx` is the transaction of the change: a Prisma transaction client, or a
 * `pg` client inside BEGIN (the license API, lib/licensing/service.ts); see
 * lib/db/sql.ts. Costs one round trip. `data` must be JSON and match the
 * type's schema in lib/webhooks/schemas.ts; most callers want
 * recordLicenseEvent / recordMachineEvent / recordPaymentEvent, which build it.
 */
export async function recordWebhookEvent<T extends WebhookEventType>(
  tx: Tx,
  type: T,
  data: WebhookEventData<T>,
  options: { now?: Date } = {},
): Promise<string> {
  return insertEvent(tx, type, data, options);
}

/** Records a `webhook.test` event for one endpoint only, whatever its filter (the console's "Send test event"). */
export async function recordTestEvent(tx: Tx, endpointId: string): Promise<string> {
  return insertEvent(tx, TEST_EVENT_TYPE, { message: "A test event from the license portal" }, { endpointId });
}

async function insertEvent(tx: Tx, type: string, data: unknown, options: { endpointId?: string; now?: Date }): Promise<string> {
  const id = newEventId();
  const createdAt = (options.now ?? new Date()).toISOString();
  const payload = JSON.stringify({ id, type, createdAt, data });
  await sqlQuery(
    tx,
    `WITH event AS (
       INSERT INTO webhook_events (id, type, payload, created_at) VALUES ($1, $2, $3::jsonb, $4::timestamptz) RETURNING id
     ), delivery AS (
       INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, updated_at)
       SELECT event.id, e.id, now(), now() FROM event, webhook_endpoints e
       WHERE CASE WHEN $5::uuid IS NULL THEN e.enabled AND (cardinality(e.events) = 0 OR $2 = ANY(e.events)) ELSE e.id = $5::uuid END
       RETURNING id
     )
     INSERT INTO job_outbox (name, data)
     SELECT $6, jsonb_build_object('deliveryId', delivery.id, 'attempt', 0) FROM delivery
     RETURNING id`,
    [id, type, payload, createdAt, options.endpointId ?? null, DELIVERY_QUEUE],
  );
  return id;
}

type LicenseEventType = "license.created" | "license.suspended" | "license.reinstated" | "license.revoked" | "license.renewed" | "license.expired";

/**
 * Records a license event (`data.license` = the admin API's license item, read
 * in `tx` so it shows the change). For "license.updated" pass `changes`
 * ({field: {from, to}}). Does nothing when the license does not exist.
 */
export async function recordLicenseEvent(
  tx: Tx,
  type: LicenseEventType | "license.updated",
  licenseId: string,
  options: { changes?: Record<string, { from: unknown; to: unknown }>; now?: Date } = {},
): Promise<string | null> {
  const license = await licensePayload(tx, licenseId, options.now);
  if (!license) return null;
  if (type === "license.updated") return recordWebhookEvent(tx, type, { license, changes: options.changes ?? {} }, options);
  return recordWebhookEvent(tx, type, { license }, options);
}

/**
 * Records `license.created` for each of `licenseIds` (a bulk import) in three statements
 * whatever their number: the licenses are read together, then every event, delivery and
 * outbox job is inserted by one statement, as recordWebhookEvent does for one. Returns the
 * number of events recorded (licenses that do not exist get none).
 */
export async function recordLicensesCreated(tx: Tx, licenseIds: string[], options: { now?: Date } = {}): Promise<number> {
  const payloads = await licensePayloads(tx, licenseIds, options.now);
  const createdAt = (options.now ?? new Date()).toISOString();
  const ids: string[] = [];
  const bodies: string[] = [];
  for (const licenseId of licenseIds) {
    const license = payloads.get(licenseId);
    if (!license) continue;
    const id = newEventId();
    ids.push(id);
    bodies.push(JSON.stringify({ id, type: "license.created", createdAt, data: { license } satisfies WebhookEventData<"license.created"> }));
  }
  if (ids.length === 0) return 0;
  await sqlQuery(
    tx,
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[]) AS t(id, payload)
     ), event AS (
       INSERT INTO webhook_events (id, type, payload, created_at) SELECT id, $3, payload::jsonb, $4::timestamptz FROM input RETURNING id
     ), delivery AS (
       INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, updated_at)
       SELECT event.id, e.id, now(), now() FROM event, webhook_endpoints e
       WHERE e.enabled AND (cardinality(e.events) = 0 OR $3 = ANY(e.events))
       RETURNING id
     )
     INSERT INTO job_outbox (name, data)
     SELECT $5, jsonb_build_object('deliveryId', delivery.id, 'attempt', 0) FROM delivery
     RETURNING id`,
    [ids, bodies, "license.created", createdAt, DELIVERY_QUEUE],
  );
  return ids.length;
}

/** Records a machine event (`data.license` and `data.machine`), reading the license in `tx`. */
export async function recordMachineEvent(
  tx: Tx,
  type: "machine.activated" | "machine.deactivated" | "machine.heartbeat_dead",
  licenseId: string,
  machine: MachineSnapshot,
  options: { now?: Date } = {},
): Promise<string | null> {
  const license = await licensePayload(tx, licenseId, options.now);
  if (!license) return null;
  return recordWebhookEvent(tx, type, { license, machine: machinePayload(machine) }, options);
}

/** A sum of money for payment.* events, in minor units (Stripe's amounts). */
export type PaymentFacts = { id: string | null; amountCents: number; currency: string; licenseId: string | null; stripeId: string | null };

/** Records payment.succeeded or payment.refunded (`data.payment`, and `data.license` when the payment has one). */
export async function recordPaymentEvent(
  tx: Tx,
  type: "payment.succeeded" | "payment.refunded",
  payment: PaymentFacts,
  options: { now?: Date } = {},
): Promise<string> {
  const license = payment.licenseId ? await licensePayload(tx, payment.licenseId, options.now) : null;
  return recordWebhookEvent(
    tx,
    type,
    {
      payment: { id: payment.id, amount: payment.amountCents, currency: payment.currency, licenseId: payment.licenseId, stripeId: payment.stripeId },
      license,
    },
    options,
  );
}

/**
 * The events a license status change means: ACTIVE→SUSPENDED "license.suspended",
 * →REVOKED "license.revoked", →EXPIRED "license.expired", SUSPENDED/EXPIRED→ACTIVE
 * "license.reinstated"; null when the status did not change.
 */
export function statusEventType(from: string, to: string): LicenseEventType | null {
  if (from === to) return null;
  if (to === "SUSPENDED") return "license.suspended";
  if (to === "REVOKED") return "license.revoked";
  if (to === "EXPIRED") return "license.expired";
  if (to === "ACTIVE") return "license.reinstated";
  return null;
}

/**
 * The events for one committed-together change of a license, given as
 * `{field: {from, to}}` (the audit log's shape): a status change is its own event
 * (statusEventType); the other fields (statusReason aside) make one
 * "license.updated" with those changes — or, with `expiryEvent:
 * "license.renewed"`, an expiry change alone is a renewal (a subscription
 * payment). Call it in the transaction that writes the change.
 */
export async function recordLicenseChanges(
  tx: Tx,
  licenseId: string,
  changes: Record<string, { from: unknown; to: unknown }>,
  options: { expiryEvent?: "license.renewed"; now?: Date } = {},
): Promise<void> {
  const { status, statusReason: _reason, ...rest } = changes;
  if (status) {
    const type = statusEventType(String(status.from), String(status.to));
    if (type) await recordLicenseEvent(tx, type, licenseId, options);
  }
  if (options.expiryEvent && rest.expiresAt) {
    const { expiresAt: _expiry, ...others } = rest;
    await recordLicenseEvent(tx, options.expiryEvent, licenseId, options);
    if (Object.keys(others).length > 0) await recordLicenseEvent(tx, "license.updated", licenseId, { ...options, changes: others });
    return;
  }
  if (Object.keys(rest).length > 0) await recordLicenseEvent(tx, "license.updated", licenseId, { ...options, changes: rest });
}
