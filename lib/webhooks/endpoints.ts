// Managing webhook endpoints and their deliveries: the one implementation
// behind the admin API (/api/v1/admin/webhook-endpoints…) and the console
// (/admin/webhooks). Every write is one transaction with its audit entry.
import { z } from "zod";
import { writeAudit, type Actor } from "../audit/log";
import { prisma } from "../db/client";
import { sqlQuery, type Tx } from "../db/sql";
import type { Prisma, WebhookDelivery, WebhookEndpoint } from "../generated/prisma/client";
import { ApiError } from "../http/errors";
import { text } from "../http/input";
import { enqueueJob } from "../jobs/outbox";
import { deliveryBody } from "./deliver";
import { DELIVERY_QUEUE, recordTestEvent, type DeliveryJob } from "./record";
import { WEBHOOK_EVENT_TYPES } from "./schemas";
import { generateWebhookSecret, sealWebhookSecret } from "./secret";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An absolute http(s) URL without credentials: where deliveries are POSTed. */
export const endpointUrl = text({ min: 1, max: 2048, description: "An absolute http:// or https:// URL" }).refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
  } catch {
    return false;
  }
}, "Must be an absolute http:// or https:// URL without user or password");

/** Event types an endpoint takes; empty: every type. Duplicates are dropped. */
export const endpointEvents = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .transform((list) => [...new Set(list)]);

export const createEndpointSchema = z.object({
  url: endpointUrl,
  events: endpointEvents.optional(),
  description: text({ max: 500 }).nullable().optional(),
});

export const updateEndpointSchema = z.object({
  url: endpointUrl.optional(),
  events: endpointEvents.optional(),
  enabled: z.boolean().optional(),
  description: text({ max: 500 }).nullable().optional(),
});

export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;

/** An endpoint as the API shows it: never the secret, which only creation returns. */
export type EndpointView = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
};

export function endpointView(row: WebhookEndpoint): EndpointView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A delivery as API.md lists it. */
export type DeliveryView = {
  id: string;
  eventId: string;
  type: string;
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
};

export function deliveryView(row: WebhookDelivery & { event: { type: string } }): DeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    type: row.event.type,
    status: row.status,
    attempts: row.attempts,
    lastResponseStatus: row.lastResponseStatus,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
  };
}

const notFound = () => new ApiError("NOT_FOUND", "The webhook endpoint does not exist");

type Context = { actor: Actor; ip?: string | null };

/** Creates an endpoint; the answer is the only time its secret is shown. */
export async function createEndpoint(ctx: Context, input: CreateEndpointInput): Promise<EndpointView & { secret: string }> {
  const secret = generateWebhookSecret();
  const row = await prisma().$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: { url: input.url, events: input.events ?? [], description: input.description ?? null, secretCiphertext: sealWebhookSecret(secret) },
    });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "webhook_endpoint.create",
      target: { type: "webhook_endpoint", id: created.id },
      ip: ctx.ip ?? null,
      data: { url: created.url, events: created.events },
    });
    return created;
  });
  return { ...endpointView(row), secret };
}

export async function listEndpoints(): Promise<EndpointView[]> {
  const rows = await prisma().webhookEndpoint.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return rows.map(endpointView);
}

export async function getEndpoint(id: string): Promise<EndpointView> {
  const row = UUID.test(id) ? await prisma().webhookEndpoint.findUnique({ where: { id } }) : null;
  if (!row) throw notFound();
  return endpointView(row);
}

/**
 * Queues the next attempt of every PENDING delivery of an endpoint (after it is
 * enabled again). A lease still held (an attempt started before the endpoint was
 * disabled, still under way) is left to its holder: clearing it would let the
 * new job send the same attempt a second time, and let the old attempt's result
 * overwrite the new one's. The new job waits for the lease (pg-boss retries it).
 */
async function resumeDeliveries(tx: Tx, endpointId: string): Promise<void> {
  const rows = await sqlQuery<{ id: string; attempts: number }>(
    tx,
    `UPDATE webhook_deliveries SET next_attempt_at = now(), updated_at = now()
     WHERE endpoint_id = $1::uuid AND status = 'PENDING' RETURNING id::text, attempts`,
    [endpointId],
  );
  for (const row of rows) await enqueueJob(tx, DELIVERY_QUEUE, { deliveryId: row.id, attempt: row.attempts } satisfies DeliveryJob);
}

/**
 * Changes url, events, description or enabled. Enabling a disabled endpoint
 * clears its failure record and resumes its pending deliveries.
 */
export async function updateEndpoint(ctx: Context, id: string, input: UpdateEndpointInput): Promise<EndpointView> {
  if (!UUID.test(id)) throw notFound();
  return prisma().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM webhook_endpoints WHERE id = ${id}::uuid FOR UPDATE`;
    if (rows.length === 0) throw notFound();
    const before = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    const data: Prisma.WebhookEndpointUpdateInput = {};
    const changes: Record<string, { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null }> = {};
    if (input.url !== undefined && input.url !== before.url) {
      data.url = input.url;
      changes.url = { from: before.url, to: input.url };
    }
    if (input.events !== undefined && JSON.stringify(input.events) !== JSON.stringify(before.events)) {
      data.events = input.events;
      changes.events = { from: before.events, to: input.events };
    }
    if (input.description !== undefined && input.description !== before.description) {
      data.description = input.description;
      changes.description = { from: before.description, to: input.description };
    }
    if (input.enabled !== undefined && input.enabled !== before.enabled) {
      data.enabled = input.enabled;
      data.disabledReason = null;
      if (input.enabled) data.failingSince = null;
      changes.enabled = { from: before.enabled, to: input.enabled };
    }
    if (Object.keys(changes).length === 0) return endpointView(before);
    const updated = await tx.webhookEndpoint.update({ where: { id }, data });
    if (input.enabled === true && !before.enabled) await resumeDeliveries(tx, id);
    await writeAudit(tx, { actor: ctx.actor, action: "webhook_endpoint.update", target: { type: "webhook_endpoint", id }, ip: ctx.ip ?? null, data: { changes } });
    return endpointView(updated);
  });
}

/** Deletes the endpoint with its deliveries; events stay (other endpoints may have them). */
export async function deleteEndpoint(ctx: Context, id: string): Promise<void> {
  if (!UUID.test(id)) throw notFound();
  await prisma().$transaction(async (tx) => {
    const deleted = await tx.webhookEndpoint.deleteMany({ where: { id } });
    if (deleted.count === 0) throw notFound();
    await writeAudit(tx, { actor: ctx.actor, action: "webhook_endpoint.delete", target: { type: "webhook_endpoint", id }, ip: ctx.ip ?? null });
  });
}

/** The endpoint's deliveries, newest first. */
export async function listDeliveries(endpointId: string, page: { limit?: number; offset?: number; status?: DeliveryView["status"] } = {}): Promise<DeliveryView[]> {
  if (!UUID.test(endpointId) || !(await prisma().webhookEndpoint.findUnique({ where: { id: endpointId }, select: { id: true } }))) throw notFound();
  const rows = await prisma().webhookDelivery.findMany({
    where: { endpointId, ...(page.status ? { status: page.status } : {}) },
    include: { event: { select: { type: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit ?? 100,
    skip: page.offset ?? 0,
  });
  return rows.map(deliveryView);
}

/**
 * Attempts a delivery again now, whatever its state (a SUCCEEDED one is sent
 * again: the receiver asked for it; it deduplicates by webhook-id). A FAILED
 * one gets one more attempt; if that fails it is FAILED again. An attempt under
 * way (a worker holds the lease) is that attempt: its lease is not taken from
 * it, so the receiver never gets the same attempt twice at once and the
 * delivery's state is that attempt's result; the job queued here then finds it
 * made and does nothing.
 */
export async function retryDelivery(ctx: Context, deliveryId: string): Promise<DeliveryView> {
  if (!UUID.test(deliveryId)) throw new ApiError("NOT_FOUND", "The delivery does not exist");
  return prisma().$transaction(async (tx) => {
    const rows = await sqlQuery<{ attempts: number }>(
      tx,
      `UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = now(), updated_at = now()
       WHERE id = $1::uuid RETURNING attempts`,
      [deliveryId],
    );
    if (rows.length === 0) throw new ApiError("NOT_FOUND", "The delivery does not exist");
    await enqueueJob(tx, DELIVERY_QUEUE, { deliveryId, attempt: rows[0]!.attempts } satisfies DeliveryJob);
    await writeAudit(tx, { actor: ctx.actor, action: "webhook_delivery.retry", target: { type: "webhook_delivery", id: deliveryId }, ip: ctx.ip ?? null });
    const row = await tx.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { event: { select: { type: true } } } });
    return deliveryView(row);
  });
}

/** Sends a `webhook.test` event to this endpoint only (enabled or not). Returns the event id. */
export async function sendTestEvent(ctx: Context, endpointId: string): Promise<{ eventId: string }> {
  if (!UUID.test(endpointId)) throw notFound();
  return prisma().$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: endpointId } });
    if (!endpoint) throw notFound();
    if (!endpoint.enabled) throw new ApiError("CONFLICT", "The endpoint is disabled: enable it to send a test event");
    const eventId = await recordTestEvent(tx, endpointId);
    await writeAudit(tx, { actor: ctx.actor, action: "webhook_endpoint.test", target: { type: "webhook_endpoint", id: endpointId }, ip: ctx.ip ?? null, data: { eventId } });
    return { eventId };
  });
}

/** One attempt of a delivery as the console's log shows it: what was sent and what came back. */
export type AttemptLogEntry = {
  number: number;
  startedAt: Date;
  durationMs: number;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
};

/** A delivery with its request body (the exact bytes every attempt sends) and its attempts, oldest first. */
export type DeliveryLogEntry = DeliveryView & { requestBody: string; attemptLog: AttemptLogEntry[] };

/**
 * The endpoint's deliveries newest first (`perPage` from `(page - 1) * perPage`),
 * each with its attempts: the console's delivery log. `total` counts at most
 * 10,001 rows. Throws NOT_FOUND for an unknown endpoint.
 */
export async function deliveryLog(endpointId: string, page: { page: number; perPage: number }): Promise<{ items: DeliveryLogEntry[]; counted: number }> {
  if (!UUID.test(endpointId) || !(await prisma().webhookEndpoint.findUnique({ where: { id: endpointId }, select: { id: true } }))) throw notFound();
  const [rows, counted] = await Promise.all([
    prisma().webhookDelivery.findMany({
      where: { endpointId },
      include: { event: { select: { type: true, payload: true } }, tries: { orderBy: { number: "asc" } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: page.perPage,
      skip: (page.page - 1) * page.perPage,
    }),
    prisma().webhookDelivery.count({ where: { endpointId }, take: 10_001 }),
  ]);
  const items = rows.map((row) => {
    const payload = row.event.payload as { id: string; type: string; createdAt: string; data: unknown };
    return {
      ...deliveryView(row),
      requestBody: deliveryBody(payload),
      attemptLog: row.tries.map((t) => ({
        number: t.number,
        startedAt: t.startedAt,
        durationMs: t.durationMs,
        requestHeaders: t.requestHeaders as Record<string, string>,
        responseStatus: t.responseStatus,
        responseHeaders: t.responseHeaders as Record<string, string> | null,
        responseBody: t.responseBody,
        error: t.error,
      })),
    };
  });
  return { items, counted };
}
