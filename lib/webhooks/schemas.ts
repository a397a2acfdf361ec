// The outbound events and their payloads (API.md "Outbound webhooks"), as zod
// schemas: the one description from which the OpenAPI document's `webhooks`
// section is generated and against which tests check what is sent.
import { z } from "zod";

/** Every event type the portal emits, as API.md names them. */
export const WEBHOOK_EVENT_TYPES = [
  "license.created",
  "license.updated",
  "license.suspended",
  "license.reinstated",
  "license.revoked",
  "license.renewed",
  "license.expired",
  "machine.activated",
  "machine.deactivated",
  "machine.heartbeat_dead",
  "payment.succeeded",
  "payment.refunded",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "Send test event" in the console or the admin API, to one endpoint, whatever its filter. */
export const TEST_EVENT_TYPE = "webhook.test";

/** The admin API's license list item (GET /api/v1/admin/licenses). */
export const webhookLicense = z.object({
  id: z.uuid(),
  email: z.string(),
  product: z.string(),
  plan: z.string(),
  status: z.enum(["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"]),
  expiresAt: z.iso.datetime().nullable(),
  keyHint: z.string(),
  maxMachines: z.number().int(),
  activeMachines: z.number().int(),
  createdAt: z.iso.datetime(),
}).meta({ id: "WebhookLicense", description: "The admin API's license item (`GET /api/v1/admin/licenses`)." });

/** The admin API's machine (GET /api/v1/admin/licenses/{id}). */
export const webhookMachine = z.object({
  id: z.uuid(),
  fingerprint: z.string(),
  name: z.string().nullable(),
  platform: z.string().nullable(),
  activatedAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  heartbeatDeadline: z.iso.datetime().nullable(),
  deactivatedAt: z.iso.datetime().nullable(),
}).meta({ id: "WebhookMachine", description: "The admin API's machine (`GET /api/v1/admin/licenses/{id}`)." });

/** One changed field of license.updated: its value before and after. */
const change = z.object({ from: z.unknown(), to: z.unknown() });

export const webhookPayment = z.object({
  /** the portal's payment record; null for a refund of a payment the portal has no record of */
  id: z.uuid().nullable(),
  /** minor units of `currency` (Stripe's convention: cents, yen, …) */
  amount: z.number().int(),
  currency: z.string(),
  licenseId: z.uuid().nullable(),
  /** the Stripe object the money came with: checkout session, invoice, charge or refund id */
  stripeId: z.string().nullable(),
}).meta({ id: "WebhookPayment" });

export const licenseEventData = z.object({ license: webhookLicense });
export const licenseUpdatedData = z.object({ license: webhookLicense, changes: z.record(z.string(), change) });
export const machineEventData = z.object({ license: webhookLicense, machine: webhookMachine });
export const paymentEventData = z.object({ payment: webhookPayment, license: webhookLicense.nullable() });
export const testEventData = z.object({ message: z.string() });

/** `data` of each event type. */
export const WEBHOOK_EVENT_DATA = {
  "license.created": licenseEventData,
  "license.updated": licenseUpdatedData,
  "license.suspended": licenseEventData,
  "license.reinstated": licenseEventData,
  "license.revoked": licenseEventData,
  "license.renewed": licenseEventData,
  "license.expired": licenseEventData,
  "machine.activated": machineEventData,
  "machine.deactivated": machineEventData,
  "machine.heartbeat_dead": machineEventData,
  "payment.succeeded": paymentEventData,
  "payment.refunded": paymentEventData,
} as const satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookEventData<T extends WebhookEventType> = z.infer<(typeof WEBHOOK_EVENT_DATA)[T]>;

/** What each event means, for the OpenAPI document and the console. */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "license.created": "A license was issued (purchase, console, admin API).",
  "license.updated": "Fields of a license changed (expiry, seats, plan, owner); `changes` has each field's old and new value.",
  "license.suspended": "A license was suspended (by an admin, a failed payment, a dispute).",
  "license.reinstated": "A suspended or expired license is active again.",
  "license.revoked": "A license was revoked (by an admin, a full refund).",
  "license.renewed": "A subscription payment extended a license's expiry.",
  "license.expired": "A license's expiry passed (sent within a minute), or its subscription was cancelled.",
  "machine.activated": "A machine took a seat (activation, or a dead floating machine revived by a heartbeat).",
  "machine.deactivated": "A machine gave up its seat (client, customer portal, console, admin API).",
  "machine.heartbeat_dead": "A floating machine missed its heartbeat deadline (sent within a minute) and lost its seat.",
  "payment.succeeded": "Money was collected: a purchase or a subscription invoice.",
  "payment.refunded": "Money was refunded; `amount` is the amount refunded.",
};

/** The body of every delivery: `{id, type, createdAt, data}`. */
export function webhookEnvelope<T extends z.ZodType>(type: string, data: T) {
  return z.object({
    id: z.string().meta({ description: "`evt_…`: also the `webhook-id` header; the same on every attempt." }),
    type: z.literal(type),
    createdAt: z.iso.datetime(),
    data,
  });
}
