// The portal's own endpoints in the OpenAPI document: health, readiness, metrics and the document itself.
import { z } from "zod";
import { readinessSchema } from "../health/readiness";
import { CACHE_5_MINUTES, errorExample, errorResponse, METRICS_SECURITY, PUBLIC, RETRY_AFTER } from "./common";
import { defineOperations } from "./registry";

const healthSchema = z.object({ ok: z.boolean(), db: z.enum(["up", "down"]) }).meta({ id: "Health" });

const documentSchema = z
  .looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .meta({ id: "OpenApiDocument", description: "An OpenAPI 3.1 document." });

const system = { tags: ["System"] as [string], security: PUBLIC };

export const systemOperations = defineOperations([
  {
    ...system,
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "Get this API description",
    description: "This OpenAPI 3.1 document, generated from the schemas the server validates with. Cacheable for 5 minutes.",
    responses: {
      "200": {
        description: "The OpenAPI document.",
        schema: documentSchema,
        examples: { document: { summary: "Abridged", value: { openapi: "3.1.0", info: { title: "License Portal API", version: "1.0.0" }, paths: {} } } },
        headers: CACHE_5_MINUTES,
      },
    },
  },
  {
    ...system,
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    summary: "Check health",
    description: "Whether the server can reach its database; for load balancers and uptime checks.",
    responses: {
      "200": { description: "Up.", schema: healthSchema, examples: { up: { summary: "Healthy", value: { ok: true, db: "up" } } } },
      "503": { description: "The database is unreachable.", schema: healthSchema, examples: { down: { summary: "Database down", value: { ok: false, db: "down" } } } },
    },
  },
  {
    ...system,
    method: "get",
    path: "/api/ready",
    operationId: "getReadiness",
    summary: "Check readiness",
    description:
      "Whether this instance should get traffic: the database answers, every migration is applied, Redis answers (when `REDIS_URL` is set) " +
      "and the process is not shutting down. Use it as the load balancer's health check or Kubernetes' readiness probe; `/api/health` stays the liveness probe.",
    responses: {
      "200": {
        description: "Ready.",
        schema: readinessSchema,
        examples: { ready: { summary: "Ready", value: { ready: true, checks: { database: "up", migrations: "applied", redis: "up", shutdown: "no" } } } },
      },
      "503": {
        description: "Not ready; the body says which check failed.",
        schema: readinessSchema,
        headers: { "Retry-After": { description: "Seconds before asking again.", schema: z.int().min(0) } },
        examples: {
          migrating: { summary: "Migrations pending", value: { ready: false, checks: { database: "up", migrations: "pending", redis: "skipped", shutdown: "no" } } },
          redisDown: { summary: "Redis down", value: { ready: false, checks: { database: "up", migrations: "applied", redis: "down", shutdown: "no" } } },
        },
      },
    },
  },
  {
    ...system,
    security: METRICS_SECURITY,
    method: "get",
    path: "/metrics",
    operationId: "getMetrics",
    summary: "Get Prometheus metrics",
    description:
      "Prometheus text exposition: `http_requests_total{route,method,status}`, `license_api_request_duration_seconds{endpoint,code}` (histogram), " +
      "`license_api_results_total{endpoint,code}`, `db_pool_connections`/`db_pool_idle_connections`/`db_pool_waiting_requests{pool}` and Node's process metrics. " +
      "With `METRICS_PORT` set it is served on that port instead (no token needed there unless `METRICS_TOKEN` is set) and this path answers 404.",
    responses: {
      "200": {
        description: "The metrics.",
        contentType: "text/plain; version=0.0.4; charset=utf-8",
        schema: z.string(),
        examples: {
          sample: {
            summary: "Abridged",
            value:
              '# TYPE license_api_results_total counter\nlicense_api_results_total{endpoint="/api/v1/licenses/validate",code="VALID"} 1042\n',
          },
        },
      },
      "401": errorResponse("No token, or neither METRICS_TOKEN nor an admin API token.", errorExample("UNAUTHORIZED", "A metrics token (METRICS_TOKEN) or an admin API token is required"), {
        "WWW-Authenticate": { description: '`Bearer realm="metrics"`.', schema: z.string() },
      }),
      "404": errorResponse("Metrics are served on METRICS_PORT.", errorExample("NOT_FOUND", "Metrics are served on METRICS_PORT")),
    },
  },
  {
    tags: ["Payments"],
    security: PUBLIC,
    method: "post",
    path: "/api/stripe/webhook",
    operationId: "stripeWebhook",
    summary: "Receive Stripe events",
    description:
      "Point a Stripe webhook endpoint here. The raw body is verified with `STRIPE_WEBHOOK_SECRET` (Stripe's default 5-minute tolerance) before anything is read: " +
      "a missing, wrong or stale signature answers `400` and changes nothing. Every event recorded answers `200`, handled or not, and so does every repeat " +
      "delivery; a paid `checkout.session.completed` with `metadata.plan` mints the license once, however often it arrives. Up to 1 MiB.",
    request: {
      body: z
        .looseObject({ id: z.string(), type: z.string(), data: z.looseObject({ object: z.looseObject({}) }) })
        .meta({ id: "StripeEvent", description: "A Stripe event, exactly as Stripe sends it." }),
      bodyExamples: {
        event: {
          summary: "A paid checkout",
          value: { id: "evt_1QxYzA2eZvKYlo2C", type: "checkout.session.completed", data: { object: { id: "cs_test_a1B2c3D4", payment_status: "paid", metadata: { plan: "zenpad-pro" } } } },
        },
      },
      headers: z.object({ "Stripe-Signature": z.string().meta({ description: "Stripe's signature of the raw body.", examples: ["t=1772532900,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"] }) }),
    },
    responses: {
      "200": {
        description: "Recorded (handled, ignored or repeated).",
        schema: z.object({ received: z.literal(true) }).meta({ id: "StripeWebhookReceived" }),
        examples: { received: { summary: "Received", value: { received: true } } },
      },
      "400": errorResponse(
        "No, a wrong or a stale signature, or a signed body that is not an event (nothing recorded); or a correctly signed event whose content cannot be processed " +
          "(e.g. a checkout naming a plan that does not exist, or no buyer email): it is recorded as failed and Stripe retries it, so it goes through once the cause is fixed.",
        errorExample("BAD_REQUEST", "Missing Stripe-Signature header"),
      ),
      "413": errorResponse("The body is over 1 MiB.", errorExample("PAYLOAD_TOO_LARGE", "Request body exceeds 1048576 bytes")),
      "500": errorResponse(
        "A fault of the portal's while processing a correctly signed event: it is recorded as failed and Stripe retries it.",
        errorExample("INTERNAL", "Stripe event evt_1QxYzA2eZvKYlo2C could not be processed; it is recorded as FAILED for a re-run"),
      ),
      "503": errorResponse("The database is unreachable: Stripe retries.", errorExample("UNAVAILABLE", "The database is unavailable; retry shortly"), RETRY_AFTER),
    },
  },
]);
