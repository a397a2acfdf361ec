// The shapes a capability uses to describe its HTTP operations, and the one place that turns the zod
// schemas the handlers really validate with into the JSON Schema of the OpenAPI document. How to register
// an operation is explained at the top of lib/api-docs/openapi.ts.
import { z } from "zod";

/** HTTP methods an operation may use (OpenAPI path item keys). */
export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

/** A named example: OpenAPI's Example Object (`summary` is shown as its title). */
export type Example = { summary: string; value: unknown };

/** A response header: a `$ref` to a shared header of `components.headers` (see common.ts), or its own description. */
export type HeaderSpec = { $ref: string } | { description: string; schema: z.ZodType };

export type ResponseSpec = {
  /** For people: when this status is answered. */
  description: string;
  /** The body as the handler builds it; absent for answers without a body (204, 304). */
  schema?: z.ZodType;
  /** Defaults to `application/json`. */
  contentType?: string;
  examples?: Record<string, Example>;
  headers?: Record<string, HeaderSpec>;
  /** Other media types the same status may answer with (an export as CSV besides JSON), by content type. */
  alternatives?: Record<string, { schema: z.ZodType; examples?: Record<string, Example> }>;
};

/** One OpenAPI security requirement, e.g. `{ adminToken: [] }`; `security: []` marks a public operation. */
export type SecurityRequirement = Record<string, string[]>;

export type OperationSpec = {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/admin/licenses/{id}`. */
  path: string;
  /** Unique across the document, lowerCamelCase; also the anchor on /docs/api. */
  operationId: string;
  summary: string;
  description: string;
  /** Exactly one tag of the composer's TAGS. */
  tags: [string];
  /** `[]` for public operations; `[{ adminToken: [] }]` for the admin API. */
  security: SecurityRequirement[];
  request?: {
    /** The request body schema the handler parses with (its input side is documented). */
    body?: z.ZodType;
    /** Defaults to `application/json`. */
    bodyContentType?: string;
    /** `false` when the body may be omitted; default `true`. */
    bodyRequired?: boolean;
    bodyExamples?: Record<string, Example>;
    /** Path parameters by name; each property's `.meta({ description, example })` is used. */
    params?: z.ZodObject;
    query?: z.ZodObject;
    headers?: z.ZodObject;
  };
  /** By status code ("200", "4XX" is not used: list each status the operation really answers). */
  responses: Record<string, ResponseSpec>;
};

/** An outbound webhook (OpenAPI 3.1 `webhooks`): the request this server sends to a receiver. */
export type WebhookSpec = {
  /** The event type, e.g. `license.created`: the key under `webhooks`. */
  name: string;
  operationId: string;
  summary: string;
  description: string;
  tags: [string];
  payload: z.ZodType;
  examples?: Record<string, Example>;
  headers?: z.ZodObject;
  /** What the receiver answers; defaults to "any 2xx within 10 s is success". */
  responses?: Record<string, ResponseSpec>;
};

/** Identity, typed: lets a capability's module list its operations with checking and completion. */
export function defineOperations(operations: OperationSpec[]): OperationSpec[] {
  return operations;
}

/** Identity, typed, for outbound webhooks. */
export function defineWebhooks(webhooks: WebhookSpec[]): WebhookSpec[] {
  return webhooks;
}

// ---------------------------------------------------------------- zod → JSON Schema

export type JsonSchema = Record<string, unknown>;

/**
 * Collects the named schemas (`.meta({ id })`) met while converting, for `components.schemas`.
 * A name used twice for two different shapes is a bug in the registrations: it throws.
 */
export class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  /**
   * The JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) of `schema`. `io: "input"` documents what a client
   * may send (defaults make fields optional, transforms show what they accept); `"output"` what the server
   * answers. Named sub-schemas become `$ref`s to `#/components/schemas/<id>`.
   * @throws Error when an id names two different shapes, or a schema cannot be expressed in JSON Schema.
   */
  convert(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const json = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "throw", override: (ctx) => refine(ctx, io) }) as JsonSchema;
    const { $defs, $schema: _dialect, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, def] of Object.entries($defs ?? {})) this.add(id, rewriteRefs(def) as JsonSchema);
    // A top-level named schema comes back inline with an `id`; keep it as a component and refer to it.
    const id = typeof rest.id === "string" ? rest.id : undefined;
    if (id) {
      const { id: _id, ...def } = rest;
      this.add(id, rewriteRefs(def) as JsonSchema);
      return { $ref: `#/components/schemas/${id}` };
    }
    return rewriteRefs(rest) as JsonSchema;
  }

  private add(id: string, def: JsonSchema) {
    const existing = this.components[id];
    if (existing && JSON.stringify(existing) !== JSON.stringify(def)) {
      throw new Error(`OpenAPI: the schema id "${id}" names two different shapes (input vs output, or two schemas); give one of them another id`);
    }
    this.components[id] = def;
  }
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (typeof node !== "object" || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "$ref" && typeof value === "string" ? value.replace(/^#\/\$defs\//, "#/components/schemas/") : rewriteRefs(value);
  }
  return out;
}

type OverrideContext = Parameters<NonNullable<Parameters<typeof z.toJSONSchema>[1]>["override"] & {}>[0];

/**
 * Small corrections so the document says what the handler enforces:
 * - a string piped into a string check (`z.string().trim().pipe(z.email())`) is documented, on the input
 *   side, with the constraints of both (zod documents only the first half of a pipe's input);
 * - integer bounds equal to JavaScript's safe-integer range are noise, not a contract;
 * - response objects drop `additionalProperties: false`: the contract may add fields (API.md), and clients
 *   must ignore the ones they do not know;
 * - response date-times and uuids keep their `format` but not zod's long validating pattern.
 */
function refine({ zodSchema, jsonSchema }: OverrideContext, io: "input" | "output") {
  const def = zodSchema._zod.def as { type: string; in?: z.ZodType; out?: z.ZodType };
  if (io === "input" && def.type === "pipe" && def.in && def.out && jsonSchema.type === "string") {
    const out = z.toJSONSchema(def.out, { io: "output", unrepresentable: "any" }) as JsonSchema;
    if (out.type === "string") {
      for (const key of ["format", "pattern", "minLength", "maxLength", "enum"] as const) {
        if (out[key] !== undefined && (jsonSchema as JsonSchema)[key] === undefined) (jsonSchema as JsonSchema)[key] = out[key];
      }
    }
  }
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (io === "output" && jsonSchema.type === "object" && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
  // The server writes instants with toISOString and ids from PostgreSQL: the format says it all; zod's
  // validating regexes (kilobytes for date-time) only matter for what clients send.
  if (io === "output" && (jsonSchema.format === "date-time" || jsonSchema.format === "uuid")) delete jsonSchema.pattern;
}
