/**
 * The OpenAPI 3.1 document of the HTTP API, composed from what each capability registers. It feeds
 * `GET /api/v1/openapi.json` and the `/docs/api` page, so the machine- and human-readable references agree.
 *
 * HOW TO REGISTER AN OPERATION
 * 1. In your capability's folder, export a list from a module of its own (see lib/licensing/api/openapi.ts,
 *    lib/admin-api/openapi.ts):
 *
 *      export const releaseOperations = defineOperations([{
 *        method: "post", path: "/api/v1/admin/releases", operationId: "createRelease",
 *        summary: "Create a release", description: "…prose for people…",
 *        tags: ["Admin"], security: ADMIN_SECURITY,            // PUBLIC (`[]`) for unauthenticated operations
 *        request: { body: createReleaseSchema,                 // THE zod schema the handler parses with
 *                   params: z.object({ id: z.guid() }), query: listQuery, headers: z.object({...}) },
 *        responses: { "201": { description: "Created.", schema: releaseSchema, examples: {...} },
 *                     "409": errorResponse("…", errorExample("CONFLICT", "…")), ...adminErrors() },
 *      }]);
 *
 *    Request schemas are documented on their input side (defaults optional, transforms show what they accept),
 *    response schemas on their output side. Describe response bodies in zod too, and tie them to the type the
 *    handler returns with `sameType<z.output<typeof schema>, MyBody>()` (lib/api-docs/common.ts). Give reused
 *    schemas a name with `.meta({ id: "Release" })` (they become `#/components/schemas/Release`) and fields a
 *    `.meta({ description, examples })`. List every status the operation really answers: the contract test
 *    (lib/api-docs/contract.test.ts) sends generated requests and fails on an undocumented status or a body
 *    that does not match its schema. Shared pieces (error body, 400/413/503/401, signature and rate-limit
 *    headers) are in lib/api-docs/common.ts.
 * 2. Add your list to OPERATIONS below (one line), and a tag to TAGS if you need a new one.
 * 3. Outbound webhooks (what this server POSTs to receivers) go to WEBHOOKS via `defineWebhooks` in the same way;
 *    they appear under the document's OpenAPI 3.1 `webhooks`.
 * `lib/api-docs/openapi.test.ts` lints the served document with Redocly and checks every example against its
 * schema; run it after registering.
 */
import type { z } from "zod";
import { adminApiOperations } from "../admin-api/openapi";
import { lemonSqueezyOperations } from "../compat/lemonsqueezy/openapi";
import { licenseApiOperations } from "../licensing/api/openapi";
import { releaseOperations } from "../releases/openapi";
import { transferOperations } from "../transfer/openapi";
import { outboundWebhooks, webhookAdminOperations } from "../webhooks/openapi";
import { SHARED_HEADERS } from "./common";
import { SchemaCollector, type Example, type HeaderSpec, type JsonSchema, type OperationSpec, type ResponseSpec, type WebhookSpec } from "./registry";
import { systemOperations } from "./system-operations";

export { apiInfo, operations, tagList, type OperationDoc } from "./read";
export { VALIDATION_CODES } from "../licensing/api/openapi";

/** Every registered operation, in the order the reference page shows them. */
export const OPERATIONS: OperationSpec[] = [
  ...licenseApiOperations,
  ...releaseOperations.filter((op) => op.tags[0] === "Releases"),
  ...lemonSqueezyOperations,
  ...adminApiOperations,
  ...transferOperations,
  ...releaseOperations.filter((op) => op.tags[0] === "Admin"),
  ...webhookAdminOperations,
  ...systemOperations,
];

/** Outbound webhooks (OpenAPI 3.1 `webhooks`): every event type, its payload from lib/webhooks/schemas.ts. */
export const WEBHOOKS: WebhookSpec[] = outboundWebhooks;

export const TAGS = [
  { name: "License", description: "Client endpoints, authenticated by the license key itself. Their responses are signed." },
  { name: "Admin", description: "Catalogue and license management for the vendor, with `Authorization: Bearer <token>`." },
  { name: "Releases", description: "Downloads and update feeds for applications in the field, gated by their license." },
  { name: "Lemon Squeezy", description: "Lemon Squeezy's License API, answered in its shapes: an application written against Lemon Squeezy only needs a new base URL." },
  { name: "Payments", description: "Stripe's webhook endpoint." },
  { name: "System", description: "Health, metrics and this API description." },
  { name: "Webhooks", description: "Events this server sends to your endpoints, signed as the Standard Webhooks specification says." },
] as const;

const API_DESCRIPTION = `JSON in, JSON out: send \`Content-Type: application/json\`; unknown body fields are ignored. Request bodies on \`/api/v1/*\` and \`/api/validate\` are limited to 16 KiB; a larger one answers \`400\` or \`413\`.

## Errors
Malformed input (bad JSON, wrong types, missing fields) answers \`400\` with \`{"error": {"code": "BAD_REQUEST", "message": "...", "issues": [...]}}\`, never a 5xx. A duplicate slug answers \`409\` (\`CONFLICT\`); an unknown product or plan named in a body answers \`400\`. When the database is unreachable the answer is \`503\` (\`UNAVAILABLE\`) with \`Retry-After\`. An unsupported method answers \`405\` with \`Allow\`.

## Rate limits
The client endpoints allow 120 requests a minute per client IP and, separately, per license key (the server's \`RATE_LIMIT_PER_MINUTE\`; \`0\` turns the limit off). While the limit is on, their answers carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds until the window resets); past it they answer \`429\` with \`Retry-After\` as well.

## Signatures
Every response under \`/api/v1/licenses/*\` and \`/api/validate\`, errors included, carries \`Date\`, \`Digest: sha-256=<base64 SHA-256 of the exact body bytes>\` and \`License-Signature: keyid="...", algorithm="ed25519", signature="<base64>"\`. The signature is Ed25519 over these four lines joined by \`\\n\`:

\`\`\`
(request-target): post /api/v1/licenses/validate
host: licenses.example.com
date: Tue, 03 Mar 2026 10:15:00 GMT
digest: sha-256=<same base64 as the Digest header>
\`\`\`

The request target is the lower-case method and the path without its query; \`host\` is the request's Host header. Verify with the key of \`GET /api/v1/public-key\`, whose \`keyid\` matches. Reject a response whose signature fails, whose \`Date\` is more than 5 minutes off, or whose \`meta.nonce\` differs from the \`nonce\` you sent.

## Authentication
Client endpoints are authenticated by the license key itself. The admin API needs \`Authorization: Bearer <token>\`: the \`ADMIN_API_TOKEN\` value or a token created in the admin console. A missing or wrong token answers \`401\`.`;

// ---------------------------------------------------------------- composing

const JSON_TYPE = "application/json";

function media(schema: JsonSchema, examples?: Record<string, Example>): JsonSchema {
  return examples ? { schema, examples } : { schema };
}

function headerObjects(collector: SchemaCollector, headers: Record<string, HeaderSpec> | undefined): JsonSchema | undefined {
  if (!headers) return undefined;
  const out: JsonSchema = {};
  for (const [name, spec] of Object.entries(headers)) {
    out[name] = "$ref" in spec ? { $ref: spec.$ref } : { description: spec.description, schema: collector.convert(spec.schema, "output") };
  }
  return out;
}

function responseObject(collector: SchemaCollector, spec: ResponseSpec): JsonSchema {
  const headers = headerObjects(collector, spec.headers);
  return {
    description: spec.description,
    ...(headers ? { headers } : {}),
    ...(spec.schema
      ? {
          content: {
            [spec.contentType ?? JSON_TYPE]: media(collector.convert(spec.schema, "output"), spec.examples),
            ...Object.fromEntries(Object.entries(spec.alternatives ?? {}).map(([type, alt]) => [type, media(collector.convert(alt.schema, "output"), alt.examples)])),
          },
        }
      : {}),
  };
}

/**
 * Parameters from a zod object: one per property, `required` unless optional, its `description` and first
 * `examples` entry lifted to the parameter (where tools and the reference page look for them).
 */
function parameterObjects(collector: SchemaCollector, where: "path" | "query" | "header", object: z.ZodObject | undefined): JsonSchema[] {
  if (!object) return [];
  const json = collector.convert(object, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => {
    const { description, examples, ...rest } = schema as JsonSchema & { description?: string; examples?: unknown[] };
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] } : {}),
    };
  });
}

function operationObject(collector: SchemaCollector, op: OperationSpec): JsonSchema {
  const request = op.request ?? {};
  const parameters = [
    ...parameterObjects(collector, "path", request.params),
    ...parameterObjects(collector, "query", request.query),
    ...parameterObjects(collector, "header", request.headers),
  ];
  const responses: JsonSchema = {};
  for (const status of Object.keys(op.responses).sort()) responses[status] = responseObject(collector, op.responses[status]!);
  return {
    operationId: op.operationId,
    tags: op.tags,
    summary: op.summary,
    description: op.description,
    security: op.security,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(request.body
      ? {
          requestBody: {
            required: request.bodyRequired ?? true,
            content: { [request.bodyContentType ?? JSON_TYPE]: media(collector.convert(request.body, "input"), request.bodyExamples) },
          },
        }
      : {}),
    responses,
  };
}

function webhookObject(collector: SchemaCollector, hook: WebhookSpec): JsonSchema {
  const responses: JsonSchema = {};
  const given = hook.responses ?? { "200": { description: "Any `2xx` within 10 seconds is success; anything else is retried." } };
  for (const [status, spec] of Object.entries(given)) responses[status] = responseObject(collector, spec);
  const parameters = parameterObjects(collector, "header", hook.headers);
  return {
    post: {
      operationId: hook.operationId,
      tags: hook.tags,
      summary: hook.summary,
      description: hook.description,
      security: [],
      ...(parameters.length > 0 ? { parameters } : {}),
      requestBody: { required: true, content: { [JSON_TYPE]: media(collector.convert(hook.payload, "output"), hook.examples) } },
      responses,
    },
  };
}

/**
 * Builds the document from registrations. Exported for tests that compose their own lists.
 * @throws Error when two operations share a method and path or an operationId, or a schema id names two shapes.
 */
export function composeDocument(operations: OperationSpec[], webhooks: WebhookSpec[]): JsonSchema {
  const collector = new SchemaCollector();
  const paths: Record<string, JsonSchema> = {};
  const ids = new Set<string>();
  for (const op of operations) {
    if (ids.has(op.operationId)) throw new Error(`OpenAPI: operationId "${op.operationId}" is registered twice`);
    ids.add(op.operationId);
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`OpenAPI: ${op.method.toUpperCase()} ${op.path} is registered twice`);
    item[op.method] = operationObject(collector, op);
  }
  const hooks: Record<string, JsonSchema> = {};
  for (const hook of webhooks) hooks[hook.name] = webhookObject(collector, hook);

  const headers: JsonSchema = {};
  for (const [name, header] of Object.entries(SHARED_HEADERS)) {
    headers[name] = { description: header.description, schema: collector.convert(header.schema, "output"), example: header.example };
  }
  const usedTags = new Set([...operations, ...webhooks].flatMap((o) => o.tags));
  for (const tag of usedTags) if (!TAGS.some((t) => t.name === tag)) throw new Error(`OpenAPI: tag "${tag}" is not in TAGS`);

  return {
    openapi: "3.1.0",
    info: {
      title: "License Portal API",
      version: "1.0.0",
      description: API_DESCRIPTION,
    },
    tags: TAGS.filter((t) => usedTags.has(t.name)).map((t) => ({ ...t })),
    paths,
    ...(webhooks.length > 0 ? { webhooks: hooks } : {}),
    components: {
      schemas: Object.fromEntries(Object.entries(collector.components).sort(([a], [b]) => a.localeCompare(b))),
      headers,
      securitySchemes: {
        adminToken: { type: "http", scheme: "bearer", description: "The `ADMIN_API_TOKEN` value or a token created in the admin console." },
        licenseKey: { type: "apiKey", in: "header", name: "Authorization", description: "`License <key>`: the license key itself, as issued." },
        licenseKeyQuery: { type: "apiKey", in: "query", name: "key", description: "The license key as a query parameter, for updaters that cannot send headers." },
        metricsToken: { type: "http", scheme: "bearer", description: "The `METRICS_TOKEN` value (`GET /metrics` also takes admin API tokens)." },
      },
    },
  };
}

let cached: JsonSchema | undefined;

/**
 * The whole document, built once per process. `serverUrl` (usually `APP_URL`) fills `servers` so tools can send
 * requests; without it the server is `/`, which OpenAPI reads as "where this document was served from".
 */
export function openApiDocument(serverUrl?: string): JsonSchema {
  cached ??= composeDocument(OPERATIONS, WEBHOOKS);
  const { openapi, info, ...rest } = cached;
  return { openapi, info, servers: [{ url: serverUrl?.replace(/\/+$/, "") || "/" }], ...rest };
}
