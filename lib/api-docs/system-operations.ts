// The portal's own endpoints in the OpenAPI document: health and the document itself.
import { z } from "zod";
import { CACHE_5_MINUTES, PUBLIC } from "./common";
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
]);
