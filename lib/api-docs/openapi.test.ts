import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as serveDocument } from "@/app/api/v1/openapi.json/route";
import { createLicenseSchema, createPlanSchema, updateLicenseSchema } from "../admin-api/schemas";
import { validatorFor, documentOperations } from "../test/openapi-schemas";
import { WEBHOOK_EVENT_DATA, WEBHOOK_EVENT_TYPES, webhookEnvelope } from "../webhooks/schemas";
import { adminErrors, errorSchema, PUBLIC } from "./common";
import { composeDocument, OPERATIONS, openApiDocument, operations } from "./openapi";
import { defineOperations, defineWebhooks, type OperationSpec } from "./registry";

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const doc = openApiDocument() as Json;
const paths = doc.paths as Record<string, Json>;
const schemas = (doc.components as Json).schemas as Record<string, Json>;

// Written out again rather than imported, so a change to the document has to be a deliberate change here too.
const EXPECTED_OPERATIONS = [
  "POST /api/v1/licenses/validate",
  "POST /api/v1/licenses/activate",
  "POST /api/v1/licenses/deactivate",
  "POST /api/v1/licenses/heartbeat",
  "POST /api/v1/licenses/offline",
  "GET /api/v1/public-key",
  "GET /api/v1/openapi.json",
  "POST /api/v1/admin/products",
  "POST /api/v1/admin/plans",
  "PATCH /api/v1/admin/plans/{slug}",
  "POST /api/v1/admin/licenses",
  "GET /api/v1/admin/licenses",
  "GET /api/v1/admin/licenses/{id}",
  "PATCH /api/v1/admin/licenses/{id}",
  "DELETE /api/v1/admin/licenses/{id}/machines/{machineId}",
  "GET /api/health",
  "GET /api/ready",
  "GET /metrics",
  "POST /api/validate",
  // Admin API additions
  "GET /api/v1/admin/products",
  "GET /api/v1/admin/plans",
  "GET /api/v1/admin/customers",
  "POST /api/v1/admin/licenses/import",
  "GET /api/v1/admin/export/{kind}",
  // Outbound webhooks
  "POST /api/v1/admin/webhook-endpoints",
  "GET /api/v1/admin/webhook-endpoints",
  "GET /api/v1/admin/webhook-endpoints/{id}",
  "PATCH /api/v1/admin/webhook-endpoints/{id}",
  "DELETE /api/v1/admin/webhook-endpoints/{id}",
  "GET /api/v1/admin/webhook-endpoints/{id}/deliveries",
  "POST /api/v1/admin/webhook-endpoints/{id}/test",
  "POST /api/v1/admin/webhook-deliveries/{id}/retry",
  // Releases and downloads
  "POST /api/v1/admin/releases",
  "GET /api/v1/admin/releases",
  "GET /api/v1/admin/releases/{id}",
  "PATCH /api/v1/admin/releases/{id}",
  "DELETE /api/v1/admin/releases/{id}",
  "PUT /api/v1/admin/releases/{id}/artifacts/{filename}",
  "DELETE /api/v1/admin/releases/{id}/artifacts/{filename}",
  "POST /api/v1/releases/latest",
  "GET /api/v1/downloads/{token}",
  "GET /api/v1/updates/electron/{product}/{file}",
  "GET /api/v1/updates/tauri/{product}/{target}/{arch}/{current_version}",
  // Lemon Squeezy-compatible license endpoints
  "POST /v1/licenses/activate",
  "POST /v1/licenses/validate",
  "POST /v1/licenses/deactivate",
  // Stripe
  "POST /api/stripe/webhook",
];

const VALIDATION_CODES = [
  "VALID",
  "NOT_FOUND",
  "REVOKED",
  "SUSPENDED",
  "EXPIRED",
  "PRODUCT_MISMATCH",
  "HEARTBEAT_DEAD",
  "NO_MACHINE",
  "MACHINE_MISMATCH",
  "TOO_MANY_MACHINES",
  "ENTITLEMENTS_MISSING",
  "TRIAL_ALREADY_USED",
];

const SIGNED_PATHS = ["/api/v1/licenses/validate", "/api/v1/licenses/activate", "/api/v1/licenses/deactivate", "/api/v1/licenses/heartbeat", "/api/v1/licenses/offline", "/api/validate"];

const allOperations = (document: Json = doc) => documentOperations(document);

function pointer(document: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let target: unknown = document;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    target = isRecord(target) ? target[part] : undefined;
  }
  return target;
}

/** Every `$ref` anywhere in the document that does not point at an existing component. */
function brokenRefs(document: Json): { refs: number; broken: string[] } {
  let refs = 0;
  const broken: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isRecord(node)) return;
    if ("$ref" in node) {
      refs++;
      const ref = node.$ref;
      if (typeof ref !== "string" || !ref.startsWith("#/components/") || !isRecord(pointer(document, ref))) broken.push(String(ref));
    }
    Object.values(node).forEach(walk);
  };
  walk(document);
  return { refs, broken };
}

/** Every example in the document paired with the schema it illustrates. */
function examplesWithSchemas(document: Json): { where: string; schema: unknown; value: unknown }[] {
  const found: { where: string; schema: unknown; value: unknown }[] = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (!isRecord(node)) return;
    if (isRecord(node.schema)) {
      // A media type, header or parameter: OpenAPI's own `example` / `examples: {name: {value}}`.
      if ("example" in node) found.push({ where, schema: node.schema, value: node.example });
      if (isRecord(node.examples)) for (const [name, ex] of Object.entries(node.examples)) found.push({ where: `${where}#${name}`, schema: node.schema, value: (ex as Json).value });
    } else if (Array.isArray(node.examples)) {
      // A schema: JSON Schema's `examples: [...]`.
      node.examples.forEach((value, i) => found.push({ where: `${where}#${i}`, schema: node, value }));
    }
    for (const [key, child] of Object.entries(node)) if (key !== "example" && key !== "examples") walk(child, `${where}/${key}`);
  };
  walk(document, "#");
  return found;
}

const requestSchema = (name: string) => validatorFor(doc, { $ref: `#/components/schemas/${name}` });

describe("openApiDocument", () => {
  it("is an OpenAPI 3.1.0 document with the portal's info", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "License Portal API", version: "1.0.0" });
    const description = (doc.info as Json).description as string;
    for (const term of ["16 KiB", "RateLimit-Reset", "Retry-After", "License-Signature", "(request-target)", "/api/v1/public-key"]) {
      expect(description).toContain(term);
    }
  });

  it("names the configured server, or the relative `/` when none is configured", () => {
    expect(doc.servers).toEqual([{ url: "/" }]);
    expect((openApiDocument("https://licenses.example.com/") as Json).servers).toEqual([{ url: "https://licenses.example.com" }]);
  });

  it("describes exactly the contract's endpoints, with the right methods", () => {
    const actual = allOperations().map(({ method, path }) => `${method} ${path}`);
    expect([...actual].sort()).toEqual([...EXPECTED_OPERATIONS].sort());
  });

  it("resolves every $ref to an existing component", () => {
    const { refs, broken } = brokenRefs(doc);
    expect(broken).toEqual([]);
    expect(refs).toBeGreaterThan(50);
  });

  it("notices a dangling $ref (the walker above really looks)", () => {
    const copy = JSON.parse(JSON.stringify(doc)) as Json;
    ((copy.paths as Record<string, Json>)["/api/health"]!.get as Json).responses = { "200": { $ref: "#/components/responses/Nope" } };
    expect(brokenRefs(copy).broken).toEqual(["#/components/responses/Nope"]);
  });

  it("gives every operation a unique operationId, a summary, a description and one known tag", () => {
    const ops = allOperations();
    const ids = ops.map(({ op }) => op.operationId);
    ids.forEach((id) => expect(id).toMatch(/^[a-z][A-Za-z]+$/));
    expect(new Set(ids).size).toBe(ops.length);
    const tags = (doc.tags as { name: string }[]).map((t) => t.name);
    for (const { op } of ops) {
      expect(op.summary).toEqual(expect.any(String));
      expect((op.description as string).length).toBeGreaterThan(20);
      expect(op.tags).toHaveLength(1);
      expect(tags).toContain((op.tags as string[])[0]);
    }
  });

  it("requires the bearer token on admin operations and says `security: []` on every public one", () => {
    const components = doc.components as Json;
    expect((components.securitySchemes as Json).adminToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toBeUndefined();
    for (const { path, op } of allOperations()) {
      if (path.startsWith("/api/v1/admin/")) {
        expect(op.security, path).toEqual([{ adminToken: [] }]);
        expect(op.tags).toEqual(["Admin"]);
        expect(op.responses, path).toHaveProperty("401");
      } else if (path === "/metrics") {
        // METRICS_TOKEN or an admin token: either requirement suffices.
        expect(op.security, path).toEqual([{ metricsToken: [] }, { adminToken: [] }]);
        expect(op.responses, path).toHaveProperty("401");
      } else if (path.startsWith("/api/v1/updates/")) {
        // The update feeds: the license key as `Authorization: License <key>` or `?key=`.
        expect(op.security, path).toEqual([{ licenseKey: [] }, { licenseKeyQuery: [] }]);
        expect(op.responses, path).toHaveProperty("401");
      } else {
        expect(op.security, path).toEqual([]);
        expect(op.responses, path).not.toHaveProperty("401");
      }
    }
  });

  it("enumerates exactly the contract's validation codes", () => {
    expect(schemas.ValidationCode!.enum).toEqual(VALIDATION_CODES);
    expect(((schemas.ValidationResponse!.properties as Json).code as Json).$ref).toBe("#/components/schemas/ValidationCode");
  });

  it("defines the Error shape {error: {code, message, issues}}", () => {
    const error = (schemas.Error!.properties as Json).error as Json;
    expect(Object.keys(error.properties as Json)).toEqual(["code", "message", "issues"]);
    expect(error.required).toEqual(["code", "message"]);
  });

  it("names the contract's response codes", () => {
    const codes = (method: string, path: string) => Object.keys((paths[path]![method] as Json).responses as Json).sort();
    expect(codes("post", "/api/v1/licenses/validate")).toEqual(["200", "400", "413", "429", "503"]);
    expect(codes("post", "/api/v1/licenses/activate")).toEqual(["200", "201", "400", "403", "404", "413", "429", "503"]);
    expect(codes("post", "/api/v1/licenses/deactivate")).toEqual(["200", "400", "404", "413", "429", "503"]);
    expect(codes("post", "/api/v1/licenses/offline")).toEqual(["200", "400", "403", "404", "413", "429", "503"]);
    expect(codes("post", "/api/validate")).toEqual(["200", "400", "403", "413", "429", "503"]);
    expect(codes("post", "/api/v1/admin/products")).toEqual(["201", "400", "401", "409", "413", "429", "503"]);
    expect(codes("post", "/api/v1/admin/plans")).toEqual(["201", "400", "401", "409", "413", "429", "503"]);
    expect(codes("patch", "/api/v1/admin/plans/{slug}")).toEqual(["200", "400", "401", "404", "409", "413", "429", "503"]);
    expect(codes("post", "/api/v1/admin/licenses")).toEqual(["201", "400", "401", "409", "413", "429", "503"]);
    expect(codes("patch", "/api/v1/admin/licenses/{id}")).toEqual(["200", "400", "401", "404", "413", "429", "503"]);
    expect(codes("get", "/api/v1/admin/licenses")).toEqual(["200", "400", "401", "429", "503"]);
    expect(codes("get", "/api/v1/admin/licenses/{id}")).toEqual(["200", "401", "404", "429", "503"]);
    expect(codes("delete", "/api/v1/admin/licenses/{id}/machines/{machineId}")).toEqual(["200", "401", "404", "429", "503"]);
    expect(codes("get", "/api/health")).toEqual(["200", "503"]);
  });

  it("signs every response of the license endpoints, with the rate-limit headers", () => {
    for (const path of SIGNED_PATHS) {
      for (const [status, response] of Object.entries((paths[path]!.post as Json).responses as Record<string, Json>)) {
        const headers = Object.keys((response.headers as Json | undefined) ?? {});
        expect(headers, `${path} ${status}`).toEqual(expect.arrayContaining(["Date", "Digest", "License-Signature", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]));
        if (status === "429" || status === "503") expect(headers, `${path} ${status}`).toContain("Retry-After");
        else expect(headers, `${path} ${status}`).not.toContain("Retry-After");
      }
    }
    const adminCreate = (paths["/api/v1/admin/products"]!.post as Json).responses as Record<string, Json>;
    expect(adminCreate["201"]!.headers).toBeUndefined(); // admin answers are not signed
  });

  it("gives every request body and every success response an example that fits the document's own schema", () => {
    for (const { method, path, op } of allOperations()) {
      // Raw bytes (an artifact upload) have no example to show.
      const raw = Object.keys(((op.requestBody as Json | undefined)?.content ?? {}) as Json).every((type) => type === "application/octet-stream");
      if (op.requestBody && !raw) expect(operations(doc).find((o) => o.method === method && o.path === path)?.requestExample, `${method} ${path}`).toBeDefined();
    }
    const examples = examplesWithSchemas(doc);
    expect(examples.length).toBeGreaterThan(60);
    const failures = examples.flatMap(({ where, schema, value }) => {
      const result = validatorFor(doc, schema).safeParse(value);
      return result.success ? [] : [`${where}: ${result.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`];
    });
    expect(failures).toEqual([]);
  });

  it("gives every registered example a value the handler's own zod schema accepts", () => {
    const failures: string[] = [];
    for (const op of OPERATIONS) {
      for (const [name, example] of Object.entries(op.request?.bodyExamples ?? {})) {
        if (!op.request!.body!.safeParse(example.value).success) failures.push(`${op.operationId} request ${name}`);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [name, example] of Object.entries(response.examples ?? {})) {
          if (response.schema && !response.schema.safeParse(example.value).success) failures.push(`${op.operationId} ${status} ${name}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("catches an example that does not fit (the checks above really check)", () => {
    const response = validatorFor(doc, { $ref: "#/components/schemas/ValidationResponse" });
    expect(response.safeParse({ valid: true, code: "OK" }).success).toBe(false);
    const machine = (schemas.Machine as Json & { properties: Json }).properties;
    expect(validatorFor(doc, machine.heartbeatDeadline).safeParse("tomorrow").success).toBe(false);
    const digest = ((doc.components as Json).headers as Record<string, Json>).Digest!.schema;
    expect(validatorFor(doc, digest).safeParse("sha-256=abc").success).toBe(false);
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

// The drift the issue found between the hand-written document and the handlers: now both read the same schema.
describe("the document says what the handlers enforce", () => {
  it("refuses an email the API refuses (`0@com`), and accepts one it accepts", () => {
    const documented = requestSchema("CreateLicenseRequest");
    for (const email of ["0@com", "a@example.test,b@example.test", "not-an-email"]) {
      expect(documented.safeParse({ plan: "zenpad-pro", email }).success, email).toBe(false);
      expect(createLicenseSchema.safeParse({ plan: "zenpad-pro", email }).success, email).toBe(false);
    }
    expect(documented.safeParse({ plan: "zenpad-pro", email: "ada@example.com" }).success).toBe(true);
    expect(createLicenseSchema.safeParse({ plan: "zenpad-pro", email: "ada@example.com" }).success).toBe(true);
  });

  it("refuses an empty PATCH body", () => {
    expect(requestSchema("UpdateLicenseRequest").safeParse({}).success).toBe(false);
    expect(requestSchema("UpdateLicenseRequest").safeParse({ status: "SUSPENDED" }).success).toBe(true);
    expect(updateLicenseSchema.safeParse({ status: "EXPIRED" }).success).toBe(false);
    expect(requestSchema("UpdateLicenseRequest").safeParse({ status: "EXPIRED" }).success).toBe(false);
  });

  it("refuses an empty stripePriceId, like the API", () => {
    const plan = { product: "zenpad", slug: "zenpad-pro", name: "Pro", maxMachines: 3, durationDays: null, entitlements: [] };
    expect(requestSchema("CreatePlanRequest").safeParse({ ...plan, stripePriceId: "" }).success).toBe(false);
    expect(createPlanSchema.safeParse({ ...plan, stripePriceId: "" }).success).toBe(false);
    expect(requestSchema("CreatePlanRequest").safeParse({ ...plan, stripePriceId: null }).success).toBe(true);
  });

  it("documents defaults as optional on requests: a plan without `floating` is valid input", () => {
    const plan = schemas.CreatePlanRequest as Json;
    // The console's optional fields are optional here too (one plan schema, lib/catalog/plan-schema.ts).
    expect(plan.required).toEqual(["product", "slug", "name", "maxMachines"]);
    expect((plan.properties as Json).floating).toMatchObject({ type: "boolean", default: false });
  });
});

describe("composeDocument (the registration API)", () => {
  const op = (over: Partial<OperationSpec> = {}): OperationSpec => ({
    method: "get",
    path: "/x",
    operationId: "getX",
    summary: "X",
    description: "An operation for the tests of the composer.",
    tags: ["System"],
    security: PUBLIC,
    responses: { "200": { description: "OK", schema: z.object({ n: z.int() }) } },
    ...over,
  });

  it("refuses an operationId or a method and path registered twice", () => {
    expect(() => composeDocument([op(), op({ path: "/y" })], [])).toThrow(/operationId "getX" is registered twice/);
    expect(() => composeDocument([op(), op({ operationId: "getY" })], [])).toThrow(/GET \/x is registered twice/);
  });

  it("refuses one schema id naming two shapes, and a tag outside TAGS", () => {
    const a = z.object({ a: z.string() }).meta({ id: "Clash" });
    const b = z.object({ b: z.string() }).meta({ id: "Clash" });
    expect(() => composeDocument([op({ responses: { "200": { description: "A", schema: a } } }), op({ operationId: "y", path: "/y", responses: { "200": { description: "B", schema: b } } })], [])).toThrow(
      /"Clash" names two different shapes/,
    );
    expect(() => composeDocument([op({ tags: ["Nope"] })], [])).toThrow(/tag "Nope"/);
  });

  it("turns params, query and headers into parameters, with their descriptions", () => {
    const built = composeDocument(
      defineOperations([
        op({
          path: "/things/{id}",
          request: {
            params: z.object({ id: z.guid().meta({ description: "Thing id." }) }),
            query: z.object({ q: z.string().optional().meta({ description: "Search.", examples: ["abc"] }) }),
            headers: z.object({ "X-Thing": z.string() }),
          },
          responses: { "200": { description: "OK" }, ...adminErrors("none") },
        }),
      ]),
      [],
    );
    const parameters = ((built.paths as Record<string, Json>)["/things/{id}"]!.get as Json).parameters;
    expect(parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", required: true, description: "Thing id.", schema: expect.objectContaining({ format: "uuid" }) }),
      expect.objectContaining({ name: "q", in: "query", required: false, description: "Search.", example: "abc" }),
      expect.objectContaining({ name: "X-Thing", in: "header", required: true }),
    ]);
    expect((built.components as Json).schemas).toHaveProperty("Error");
  });

  it("puts registered outbound webhooks under OpenAPI 3.1 `webhooks`", () => {
    const payload = z.object({ id: z.string(), type: z.literal("license.created") }).meta({ id: "LicenseCreatedEvent" });
    const built = composeDocument(
      [],
      defineWebhooks([{ name: "license.created", operationId: "licenseCreated", summary: "License created", description: "Sent when a license is issued.", tags: ["Webhooks"], payload }]),
    );
    const hook = (built.webhooks as Record<string, Json>)["license.created"]!.post as Json;
    expect(hook).toMatchObject({ operationId: "licenseCreated", security: [], requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/LicenseCreatedEvent" } } } } });
    expect((built.tags as { name: string }[]).map((t) => t.name)).toEqual(["Webhooks"]);
  });

  it("documents the shared error body from the zod schema lib/http/errors.ts's answers satisfy", () => {
    expect(errorSchema.safeParse({ error: { code: "BAD_REQUEST", message: "x", issues: [{ path: "a", message: "b" }] } }).success).toBe(true);
    expect(errorSchema.safeParse({ error: { code: "NOPE", message: "x" } }).success).toBe(false);
  });
});

describe("the served document", () => {
  it("is what GET /api/v1/openapi.json answers, with the configured server", async () => {
    const previous = process.env.APP_URL;
    process.env.APP_URL = "https://licenses.example.com";
    try {
      const res = serveDocument();
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=300");
      expect(await res.json()).toEqual(openApiDocument("https://licenses.example.com"));
    } finally {
      if (previous === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = previous;
    }
  });

  it("passes `redocly lint` with 0 errors (served as a deployment without APP_URL serves it)", { timeout: 60_000 }, async () => {
    const previous = process.env.APP_URL;
    delete process.env.APP_URL;
    const file = path.join(mkdtempSync(path.join(tmpdir(), "openapi-")), "openapi.json");
    writeFileSync(file, await serveDocument().text());
    if (previous !== undefined) process.env.APP_URL = previous;
    const bin = path.resolve("node_modules/.bin/redocly");
    // redocly exits non-zero when it finds errors; the JSON report is on stdout either way.
    const { stdout } = await promisify(execFile)(bin, ["lint", "--format=json", file], { maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string }) => ({
      stdout: error.stdout ?? "",
    }));
    const report = JSON.parse(stdout) as { totals: { errors: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
    const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });
});

describe("operations", () => {
  const ops = operations(doc);

  it("flattens every operation in document order", () => {
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(allOperations().map(({ method, path }) => `${method} ${path}`));
  });

  it("carries the examples, parameters and responses the reference page shows", () => {
    const validate = ops.find((o) => o.operationId === "validateLicense")!;
    expect(validate).toMatchObject({ method: "POST", tag: "License", requiresAuth: false, responseExampleStatus: "200" });
    expect(validate.requestExample).toMatchObject({ key: "ZP-A3K2P-X9M4Q-R7T2W-B5N8Z" });
    expect(validate.responseExample).toMatchObject({ valid: true, code: "VALID" });
    expect(validate.responses.map((r) => r.status)).toEqual(["200", "400", "413", "429", "503"]);
    expect(validate.responses.every((r) => r.description.length > 0)).toBe(true);

    const list = ops.find((o) => o.operationId === "listLicenses")!;
    expect(list.requiresAuth).toBe(true);
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["query:email", "query:status", "query:plan", "query:limit", "query:offset"]);
    expect(list.parameters.every((p) => p.description.length > 0)).toBe(true);

    const removeMachine = ops.find((o) => o.operationId === "deactivateLicenseMachine")!;
    expect(removeMachine.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual(["path:id:true", "path:machineId:true"]);

    const issue = ops.find((o) => o.operationId === "createLicense")!;
    expect(issue.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual(["header:Idempotency-Key:false"]);
  });

  it("reads a document it is given, not only the built-in one", () => {
    const tiny = { paths: { "/x": { get: { operationId: "x", summary: "X", tags: ["System"], responses: { "204": { description: "Nothing" } } } } } };
    expect(operations(tiny)).toEqual([
      expect.objectContaining({ method: "GET", path: "/x", tag: "System", requestExample: undefined, responses: [{ status: "204", description: "Nothing" }] }),
    ]);
  });
});

describe("the `webhooks` section", () => {
  const hooks = doc.webhooks as Record<string, Json>;
  const payloadOf = (type: string) => validatorFor(doc, (((hooks[type]!.post as Json).requestBody as Json).content as Record<string, Json>)["application/json"]!.schema);

  it("describes every event type API.md lists, and the test event, signed as Standard Webhooks says", () => {
    expect(Object.keys(hooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES, "webhook.test"].sort());
    for (const [type, item] of Object.entries(hooks)) {
      const post = item.post as Json;
      expect(post.tags, type).toEqual(["Webhooks"]);
      expect(((post.parameters ?? []) as Json[]).map((p) => `${p.in}:${p.name}`), type).toEqual(["header:webhook-id", "header:webhook-timestamp", "header:webhook-signature"]);
    }
  });

  it("documents each payload from the schema deliveries are built against: a real event fits, a wrong one does not", () => {
    const license = { id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", email: "a@example.com", product: "p", plan: "q", status: "ACTIVE", expiresAt: null, keyHint: "B5N8Z", maxMachines: 1, activeMachines: 0, createdAt: "2026-03-01T00:00:00.000Z" };
    const event = { id: "evt_1", type: "license.revoked", createdAt: "2026-03-01T00:00:00.000Z", data: { license: { ...license, status: "REVOKED" } } };
    expect(webhookEnvelope("license.revoked", WEBHOOK_EVENT_DATA["license.revoked"]).safeParse(event).success).toBe(true);
    expect(payloadOf("license.revoked").safeParse(event).success).toBe(true);
    expect(payloadOf("license.revoked").safeParse({ ...event, type: "license.created" }).success).toBe(false);
    expect(payloadOf("machine.activated").safeParse(event).success).toBe(false);
    const payment = { id: null, amount: 4900, currency: "usd", licenseId: null, stripeId: "re_1" };
    expect(payloadOf("payment.refunded").safeParse({ id: "evt_2", type: "payment.refunded", createdAt: "2026-03-01T00:00:00.000Z", data: { payment, license: null } }).success).toBe(true);
  });
});
