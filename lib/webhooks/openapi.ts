// Outbound webhooks in the OpenAPI document: the admin API that manages endpoints and deliveries (the
// schemas endpoints.ts and lib/admin-api/webhooks.ts parse with), and the OpenAPI 3.1 `webhooks` section:
// one entry per event type, its payload generated from the very zod schemas deliveries are built and
// tested against (schemas.ts).
import { z } from "zod";
import { ADMIN_SECURITY, deletedSchema, adminErrors, errorExample, errorResponse, instantOut, sameType } from "../api-docs/common";
import { defineOperations, defineWebhooks, type WebhookSpec } from "../api-docs/registry";
import { deliveriesQuery } from "../admin-api/webhooks";
import { createEndpointSchema, updateEndpointSchema, type DeliveryView, type EndpointView } from "./endpoints";
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_DATA, WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, testEventData, webhookEnvelope, type WebhookEventType } from "./schemas";

// ---------------------------------------------------------------- admin API

const endpointSchema = z
  .object({
    id: z.guid(),
    url: z.string(),
    events: z.array(z.string()).meta({ description: "Event types sent to it; empty: every type." }),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().meta({ description: "Why the portal disabled it (every attempt failing for 3 days), when it did." }),
    failingSince: instantOut().nullable().meta({ description: "Since when every attempt has failed; `null` while it succeeds." }),
    createdAt: instantOut(),
  })
  .meta({ id: "WebhookEndpoint" });
sameType<z.output<typeof endpointSchema>, EndpointView>();

const createdEndpointSchema = endpointSchema
  .extend({ secret: z.string().meta({ description: "`whsec_<base64 of 24 random bytes>`: verify signatures with it. Shown only here." }) })
  .meta({ id: "CreatedWebhookEndpoint" });

const deliverySchema = z
  .object({
    id: z.guid(),
    eventId: z.string().meta({ description: "`evt_…`, the `webhook-id` of every attempt." }),
    type: z.string(),
    status: z.enum(["PENDING", "SUCCEEDED", "FAILED"]),
    attempts: z.int().min(0),
    lastResponseStatus: z.int().nullable(),
    lastError: z.string().nullable(),
    createdAt: instantOut(),
    nextAttemptAt: instantOut().nullable(),
  })
  .meta({ id: "WebhookDelivery" });
sameType<z.output<typeof deliverySchema>, DeliveryView>();

const ENDPOINT_ID = "d290f1ee-6c54-4b01-90e6-d701748f0851";
const endpointId = z.guid().meta({ description: "Webhook endpoint id.", examples: [ENDPOINT_ID] });
const endpointExample: EndpointView = {
  id: ENDPOINT_ID,
  url: "https://crm.example.com/hooks/licenses",
  events: ["license.created", "license.revoked"],
  description: "CRM",
  enabled: true,
  disabledReason: null,
  failingSince: null,
  createdAt: "2026-03-01T09:00:00.000Z",
};
const deliveryExample: DeliveryView = {
  id: "6fa459ea-ee8a-3ca4-894e-db77e160355e",
  eventId: "evt_2Zx4kq1f8b7JcW3nQ9",
  type: "license.created",
  status: "SUCCEEDED",
  attempts: 1,
  lastResponseStatus: 200,
  lastError: null,
  createdAt: "2026-03-01T09:05:00.000Z",
  nextAttemptAt: null,
};
const endpointNotFound = errorResponse("No such webhook endpoint.", errorExample("NOT_FOUND", "The webhook endpoint does not exist"));
const admin = { tags: ["Admin"] as [string], security: ADMIN_SECURITY };
const byId = z.object({ id: endpointId });

export const webhookAdminOperations = defineOperations([
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/webhook-endpoints",
    operationId: "createWebhookEndpoint",
    summary: "Create a webhook endpoint",
    description:
      "Where to POST events, and which (`events` omitted or `[]`: every type). The answer is the only time the signing `secret` is shown. Recorded in the audit log.",
    request: {
      body: createEndpointSchema.meta({ id: "CreateWebhookEndpointRequest" }),
      bodyExamples: { endpoint: { summary: "Two event types", value: { url: endpointExample.url, events: endpointExample.events, description: "CRM" } } },
    },
    responses: {
      "201": {
        description: "Created.",
        schema: createdEndpointSchema,
        examples: { endpoint: { summary: "With its secret", value: { ...endpointExample, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } } },
      },
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/webhook-endpoints",
    operationId: "listWebhookEndpoints",
    summary: "List webhook endpoints",
    description: "Every endpoint, newest first, without secrets.",
    responses: {
      "200": {
        description: "The endpoints.",
        schema: z.object({ data: z.array(endpointSchema) }).meta({ id: "WebhookEndpointList" }),
        examples: { list: { summary: "One endpoint", value: { data: [endpointExample] } } },
      },
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/webhook-endpoints/{id}",
    operationId: "getWebhookEndpoint",
    summary: "Get a webhook endpoint",
    description: "One endpoint, without its secret.",
    request: { params: byId },
    responses: {
      "200": { description: "The endpoint.", schema: endpointSchema, examples: { endpoint: { summary: "The endpoint", value: endpointExample } } },
      "404": endpointNotFound,
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "patch",
    path: "/api/v1/admin/webhook-endpoints/{id}",
    operationId: "updateWebhookEndpoint",
    summary: "Update a webhook endpoint",
    description:
      "Changes its URL, event filter, description, or enables or disables it. Enabling a disabled endpoint clears its failure record and resumes its pending deliveries. " +
      "Only the fields given change. Recorded in the audit log.",
    request: {
      params: byId,
      body: updateEndpointSchema.meta({ id: "UpdateWebhookEndpointRequest" }),
      bodyExamples: { disable: { summary: "Disable", value: { enabled: false } } },
    },
    responses: {
      "200": { description: "The endpoint after the change.", schema: endpointSchema, examples: { endpoint: { summary: "Disabled", value: { ...endpointExample, enabled: false } } } },
      "404": endpointNotFound,
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "delete",
    path: "/api/v1/admin/webhook-endpoints/{id}",
    operationId: "deleteWebhookEndpoint",
    summary: "Delete a webhook endpoint",
    description: "Deletes the endpoint and its deliveries. Recorded in the audit log.",
    request: { params: byId },
    responses: {
      "200": { description: "Deleted.", schema: deletedSchema, examples: { deleted: { summary: "Deleted", value: { deleted: true } } } },
      "404": endpointNotFound,
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/webhook-endpoints/{id}/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "List an endpoint's deliveries",
    description: "Its deliveries, newest first: one per event, with the state of its attempts.",
    request: { params: byId, query: deliveriesQuery },
    responses: {
      "200": {
        description: "The deliveries.",
        schema: z.object({ data: z.array(deliverySchema) }).meta({ id: "WebhookDeliveryList" }),
        examples: { list: { summary: "One delivery", value: { data: [deliveryExample] } } },
      },
      "404": endpointNotFound,
      ...adminErrors("query"),
    },
  },
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/webhook-endpoints/{id}/test",
    operationId: "sendWebhookTestEvent",
    summary: "Send a test event",
    description: `Sends a \`${TEST_EVENT_TYPE}\` event to this endpoint only, whatever its filter. Recorded in the audit log.`,
    request: { params: byId },
    responses: {
      "202": {
        description: "Queued.",
        schema: z.object({ eventId: z.string() }).meta({ id: "WebhookTestEventQueued" }),
        examples: { queued: { summary: "Queued", value: { eventId: "evt_2Zx4kq1f8b7JcW3nQ9" } } },
      },
      "404": endpointNotFound,
      "409": errorResponse("The endpoint is disabled.", errorExample("CONFLICT", "The endpoint is disabled: enable it to send a test event")),
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/webhook-deliveries/{id}/retry",
    operationId: "retryWebhookDelivery",
    summary: "Retry a delivery",
    description: "Attempts the delivery again now, whatever its state (a succeeded one is sent again; receivers deduplicate by `webhook-id`). Recorded in the audit log.",
    request: { params: z.object({ id: z.guid().meta({ description: "Delivery id.", examples: [deliveryExample.id] }) }) },
    responses: {
      "202": {
        description: "Queued; the delivery as it now is.",
        schema: deliverySchema,
        examples: { queued: { summary: "Queued", value: { ...deliveryExample, status: "PENDING", nextAttemptAt: "2026-03-04T12:00:00.000Z" } } },
      },
      "404": errorResponse("No such delivery.", errorExample("NOT_FOUND", "The delivery does not exist")),
      ...adminErrors("none"),
    },
  },
]);

// ---------------------------------------------------------------- outbound webhooks

const signatureHeaders = z.object({
  "webhook-id": z.string().meta({ description: "The event id (`evt_…`), the same on every attempt: deduplicate by it.", examples: ["evt_2Zx4kq1f8b7JcW3nQ9"] }),
  "webhook-timestamp": z.string().regex(/^\d+$/).meta({ description: "Unix seconds of this attempt.", examples: ["1772532900"] }),
  "webhook-signature": z.string().meta({
    description:
      "`v1,<base64 HMAC-SHA256 over \"<webhook-id>.<webhook-timestamp>.<body>\">`, keyed with the base64-decoded part of the endpoint's `whsec_` secret " +
      "(Standard Webhooks; the `standardwebhooks` package verifies it).",
    examples: ["v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="],
  }),
});

const pascal = (type: string) =>
  type
    .split(/[._]/)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");

const EXAMPLE_LICENSE = {
  id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  email: "ada@example.com",
  product: "zenpad",
  plan: "zenpad-pro",
  status: "ACTIVE",
  expiresAt: "2027-03-01T00:00:00.000Z",
  keyHint: "B5N8Z",
  maxMachines: 3,
  activeMachines: 1,
  createdAt: "2026-03-01T08:59:12.000Z",
};
const EXAMPLE_MACHINE = {
  id: "3b241101-e2bb-4255-8caf-4136c566a962",
  fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  name: "Ada's MacBook Pro",
  platform: "darwin-arm64",
  activatedAt: "2026-03-01T09:00:00.000Z",
  lastSeenAt: "2026-03-03T10:15:00.000Z",
  heartbeatDeadline: null,
  deactivatedAt: null,
};

function exampleData(type: WebhookEventType): unknown {
  if (type === "license.updated") return { license: EXAMPLE_LICENSE, changes: { expiresAt: { from: "2026-03-01T00:00:00.000Z", to: "2027-03-01T00:00:00.000Z" } } };
  if (type === "license.suspended") return { license: { ...EXAMPLE_LICENSE, status: "SUSPENDED" } };
  if (type === "license.revoked") return { license: { ...EXAMPLE_LICENSE, status: "REVOKED" } };
  if (type === "license.expired") return { license: { ...EXAMPLE_LICENSE, status: "EXPIRED", expiresAt: "2026-03-01T00:00:00.000Z" } };
  if (type.startsWith("license.")) return { license: EXAMPLE_LICENSE };
  if (type === "machine.deactivated") return { license: { ...EXAMPLE_LICENSE, activeMachines: 0 }, machine: { ...EXAMPLE_MACHINE, deactivatedAt: "2026-03-04T16:20:00.000Z" } };
  if (type.startsWith("machine.")) return { license: EXAMPLE_LICENSE, machine: EXAMPLE_MACHINE };
  const payment = { id: "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b", amount: 4900, currency: "usd", licenseId: EXAMPLE_LICENSE.id, stripeId: "cs_test_a1B2c3D4" };
  return { payment, license: EXAMPLE_LICENSE };
}

function webhook(type: string, data: z.ZodType, description: string, example: unknown): WebhookSpec {
  return {
    name: type,
    operationId: `webhook${pascal(type)}`,
    summary: type,
    description: `${description} Delivered at least once (retried on \`WEBHOOK_RETRY_SCHEDULE\` until a \`2xx\` within 10 s), in no guaranteed order.`,
    tags: ["Webhooks"],
    payload: webhookEnvelope(type, data).meta({ id: `${pascal(type)}Event` }),
    headers: signatureHeaders,
    examples: { event: { summary: type, value: { id: "evt_2Zx4kq1f8b7JcW3nQ9", type, createdAt: "2026-03-03T10:15:00.000Z", data: example } } },
  };
}

/** Every event the portal sends, and the test event. */
export const outboundWebhooks = defineWebhooks([
  ...WEBHOOK_EVENT_TYPES.map((type) => webhook(type, WEBHOOK_EVENT_DATA[type], WEBHOOK_EVENT_DESCRIPTIONS[type], exampleData(type))),
  webhook(TEST_EVENT_TYPE, testEventData, "Sent only by “Send test event” (console or admin API), to that one endpoint.", { message: "A test event from the license portal" }),
]);
