// The portal's own endpoints in the OpenAPI document: health, readiness, metrics and the document itself.
import { z } from "zod";
import { readinessSchema } from "../health/readiness";
import { CACHE_5_MINUTES, errorExample, errorResponse, METRICS_SECURITY, PUBLIC } from "./common";
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
]);
