// The console's Webhooks section (/admin/webhooks): forms over the one
// implementation in lib/webhooks/endpoints.ts, which the admin API uses too,
// so an endpoint made here is the same row, audited the same way.
import { z } from "zod";
import { text } from "../http/input";
import { createEndpoint, deleteEndpoint, endpointUrl, retryDelivery, sendTestEvent, updateEndpoint } from "../webhooks/endpoints";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../webhooks/schemas";
import { confirmed, id } from "./form-fields";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";

/** The checkbox of an event type in the endpoint forms: `event:license.created` = "on". */
export const eventFieldName = (type: WebhookEventType) => `event:${type}`;

/** The form's checked event types become `events` (none checked: every type). */
const withEvents = <T extends z.ZodType>(schema: T) =>
  z.preprocess((raw) => {
    const form = (raw ?? {}) as Record<string, unknown>;
    return { ...form, events: WEBHOOK_EVENT_TYPES.filter((type) => form[eventFieldName(type)] === "on" || form[eventFieldName(type)] === "true") };
  }, schema);

const description = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), text({ max: 500 }).nullable().optional());
const events = z.array(z.enum(WEBHOOK_EVENT_TYPES));

export const createWebhookEndpointInput = withEvents(z.object({ url: endpointUrl, description, events }));
export const updateWebhookEndpointInput = withEvents(z.object({ endpointId: id, url: endpointUrl, description, events }));
export const webhookEndpointInput = z.object({ endpointId: id });
export const deleteWebhookEndpointInput = z.object({ endpointId: id, confirm: confirmed });
export const retryWebhookDeliveryInput = z.object({ deliveryId: id });

const ctx = (admin: ConsoleAdmin, ip: string | null) => ({ actor: adminActor(admin), ip });

/** Creates an endpoint; its signing secret is in the answer, shown this once. */
export async function createWebhookEndpoint(admin: ConsoleAdmin, input: z.output<typeof createWebhookEndpointInput>, ip: string | null): Promise<ActionResult> {
  const created = await createEndpoint(ctx(admin, ip), input);
  return { ok: true, message: `Endpoint ${created.url} created. Copy its signing secret now: it is not shown again.`, secret: created.secret };
}

export async function updateWebhookEndpoint(admin: ConsoleAdmin, input: z.output<typeof updateWebhookEndpointInput>, ip: string | null): Promise<ActionResult> {
  const { endpointId, ...changes } = input;
  await updateEndpoint(ctx(admin, ip), endpointId, changes);
  return { ok: true, message: "Endpoint saved." };
}

/** Enables (resuming its pending deliveries) or disables an endpoint. */
export async function setWebhookEndpointEnabled(admin: ConsoleAdmin, input: { endpointId: string; enabled: boolean }, ip: string | null): Promise<ActionResult> {
  await updateEndpoint(ctx(admin, ip), input.endpointId, { enabled: input.enabled });
  return { ok: true, message: input.enabled ? "Endpoint enabled: its pending deliveries are sent again." : "Endpoint disabled: nothing is sent to it until it is enabled." };
}

export async function sendWebhookTest(admin: ConsoleAdmin, input: { endpointId: string }, ip: string | null): Promise<ActionResult> {
  const { eventId } = await sendTestEvent(ctx(admin, ip), input.endpointId);
  return { ok: true, message: `Test event ${eventId} queued: it appears in the delivery log below.` };
}

export async function retryWebhookDelivery(admin: ConsoleAdmin, input: { deliveryId: string }, ip: string | null): Promise<ActionResult> {
  await retryDelivery(ctx(admin, ip), input.deliveryId);
  return { ok: true, message: "Delivery queued to be attempted again now." };
}

export async function deleteWebhookEndpoint(admin: ConsoleAdmin, input: { endpointId: string }, ip: string | null): Promise<ActionResult> {
  await deleteEndpoint(ctx(admin, ip), input.endpointId);
  return { ok: true, message: "Endpoint deleted.", redirectTo: "/admin/webhooks" };
}
