// /api/v1/admin/webhook-endpoints and /api/v1/admin/webhook-deliveries (API.md
// "Outbound webhooks"): thin handlers over lib/webhooks/endpoints.ts, which the
// console uses too.
import { z } from "zod";
import { parseJsonBody } from "../http/errors";
import { integerText } from "../http/input";
import { jsonResponse, type ApiResponse } from "../http/types";
import {
  createEndpoint,
  createEndpointSchema,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  retryDelivery,
  sendTestEvent,
  updateEndpoint,
  updateEndpointSchema,
} from "../webhooks/endpoints";
import type { AdminContext } from "./context";
import { parseQuery } from "./schemas";

const ctxOf = ({ req, actor }: AdminContext) => ({ actor, ip: req.ip });

export async function postWebhookEndpoint(ctx: AdminContext): Promise<ApiResponse> {
  const input = parseJsonBody(ctx.req.body, createEndpointSchema);
  return jsonResponse(201, await createEndpoint(ctxOf(ctx), input));
}

export async function getWebhookEndpoints(): Promise<ApiResponse> {
  return jsonResponse(200, { data: await listEndpoints() });
}

export async function getWebhookEndpoint(_ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  return jsonResponse(200, await getEndpoint(id!));
}

export async function patchWebhookEndpoint(ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  const input = parseJsonBody(ctx.req.body, updateEndpointSchema);
  return jsonResponse(200, await updateEndpoint(ctxOf(ctx), id!, input));
}

export async function deleteWebhookEndpoint(ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  await deleteEndpoint(ctxOf(ctx), id!);
  return jsonResponse(200, { deleted: true });
}

export const deliveriesQuery = z.object({
  status: z.enum(["PENDING", "SUCCEEDED", "FAILED"]).optional().meta({ description: "Only deliveries in this state." }),
  limit: integerText(1, 500, "Page size, 1-500.").default(100),
  offset: integerText(0, 1_000_000, "Deliveries to skip, for the next page.").default(0),
});

export async function getWebhookDeliveries(ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  const query = parseQuery(ctx.req.query, deliveriesQuery);
  return jsonResponse(200, { data: await listDeliveries(id!, query) });
}

export async function postWebhookDeliveryRetry(ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  return jsonResponse(202, await retryDelivery(ctxOf(ctx), id!));
}

export async function postWebhookEndpointTest(ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  return jsonResponse(202, await sendTestEvent(ctxOf(ctx), id!));
}
