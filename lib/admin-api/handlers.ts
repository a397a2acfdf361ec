// The admin API's one entry point (API.md "Admin API"), framework-neutral so the
// Next route and the custom server can both mount it. Authentication comes before
// routing: without a valid token every path, known or not, answers 401, so the
// API's shape is not revealed to anyone without a token.
import { ApiError, errorResponse } from "../http/errors";
import { jsonResponse, type ApiRequest, type ApiResponse } from "../http/types";
import { authenticateAdmin } from "./auth";
import type { AdminContext } from "./context";
import { createLicense, deactivateMachine, getLicense, listLicenses, updateLicense } from "./licenses";
import { listCustomers } from "./customers";
import { createPlan, listPlans, updatePlan } from "./plans";
import { createProduct, listProducts } from "./products";
import {
  deleteWebhookEndpoint,
  getWebhookDeliveries,
  getWebhookEndpoint,
  getWebhookEndpoints,
  patchWebhookEndpoint,
  postWebhookDeliveryRetry,
  postWebhookEndpoint,
  postWebhookEndpointTest,
} from "./webhooks";
import { deleteRelease, getRelease, getReleases, patchRelease, postRelease, putArtifact, removeArtifact } from "./releases";
import { exportHandler, importLicensesHandler } from "./transfer";

const PREFIX = "/api/v1/admin/";

type Handler = (ctx: AdminContext, params: string[]) => Promise<ApiResponse>;
type Route = { pattern: RegExp; methods: Record<string, Handler> };

// Patterns match the path after PREFIX; capture groups become `params`.
const ROUTES: Route[] = [
  { pattern: /^products$/, methods: { GET: listProducts, POST: createProduct } },
  { pattern: /^plans$/, methods: { GET: listPlans, POST: createPlan } },
  { pattern: /^plans\/([^/]+)$/, methods: { PATCH: updatePlan } },
  { pattern: /^customers$/, methods: { GET: listCustomers } },
  { pattern: /^licenses$/, methods: { GET: listLicenses, POST: createLicense } },
  { pattern: /^licenses\/import$/, methods: { POST: importLicensesHandler } },
  { pattern: /^export\/([^/]+)$/, methods: { GET: exportHandler } },
  { pattern: /^licenses\/([^/]+)$/, methods: { GET: getLicense, PATCH: updateLicense } },
  { pattern: /^licenses\/([^/]+)\/machines\/([^/]+)$/, methods: { DELETE: deactivateMachine } },
  { pattern: /^webhook-endpoints$/, methods: { GET: getWebhookEndpoints, POST: postWebhookEndpoint } },
  { pattern: /^webhook-endpoints\/([^/]+)$/, methods: { GET: getWebhookEndpoint, PATCH: patchWebhookEndpoint, DELETE: deleteWebhookEndpoint } },
  { pattern: /^webhook-endpoints\/([^/]+)\/deliveries$/, methods: { GET: getWebhookDeliveries } },
  { pattern: /^webhook-endpoints\/([^/]+)\/test$/, methods: { POST: postWebhookEndpointTest } },
  { pattern: /^webhook-deliveries\/([^/]+)\/retry$/, methods: { POST: postWebhookDeliveryRetry } },
  { pattern: /^releases$/, methods: { GET: getReleases, POST: postRelease } },
  { pattern: /^releases\/([^/]+)$/, methods: { GET: getRelease, PATCH: patchRelease, DELETE: deleteRelease } },
  { pattern: /^releases\/([^/]+)\/artifacts\/([^/]+)$/, methods: { PUT: putArtifact, DELETE: removeArtifact } },
];

/** The routing table as data: each path pattern (after /api/v1/admin/) and its methods, for the test that keeps the OpenAPI document complete. */
export const adminRouteTable = (): { pattern: RegExp; methods: string[] }[] => ROUTES.map((r) => ({ pattern: r.pattern, methods: Object.keys(r.methods) }));

function match(path: string): { route: Route; params: string[] } | null {
  if (!path.startsWith(PREFIX)) return null;
  const rest = path.slice(PREFIX.length).replace(/\/+$/, "");
  for (const route of ROUTES) {
    const m = route.pattern.exec(rest);
    if (m) return { route, params: m.slice(1) };
  }
  return null;
}

async function dispatch(req: ApiRequest): Promise<ApiResponse> {
  const actor = await authenticateAdmin(req);
  const found = match(req.path);
  if (!found) throw new ApiError("NOT_FOUND", "No such admin API endpoint");

  const method = req.method.toUpperCase();
  // HEAD is GET without the body (RFC 9110 §9.3.2); both servers drop the body of a HEAD answer.
  const handler = found.route.methods[method === "HEAD" ? "GET" : method];
  if (!handler) {
    const allow = Object.keys(found.route.methods)
      .flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]))
      .join(", ");
    throw new ApiError("METHOD_NOT_ALLOWED", `${method} is not allowed here; use ${allow}`, { headers: { Allow: allow } });
  }
  // A body that could not be read (too large, aborted) is reported only to an
  // authenticated caller of a real endpoint, with the status its error carries.
  if (req.bodyError !== undefined) throw req.bodyError;
  return handler({ req, actor }, found.params);
}

/** Answers every request under /api/v1/admin/; never throws. */
export async function handleAdminApi(req: ApiRequest): Promise<ApiResponse> {
  try {
    return await dispatch(req);
  } catch (error) {
    const { status, headers, json } = errorResponse(error);
    return jsonResponse(status, json, headers);
  }
}
