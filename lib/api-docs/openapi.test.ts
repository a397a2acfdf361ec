import { describe, expect, it } from "vitest";
import { openApiDocument, operations } from "./openapi";

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const doc = openApiDocument() as Json;
const paths = doc.paths as Record<string, Json>;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

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
  "POST /api/v1/admin/licenses",
  "GET /api/v1/admin/licenses",
  "GET /api/v1/admin/licenses/{id}",
  "PATCH /api/v1/admin/licenses/{id}",
  "DELETE /api/v1/admin/licenses/{id}/machines/{machineId}",
  "GET /api/health",
  "POST /api/validate",
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
  "ENTITLEMENTS_MISSING",
  "TOO_MANY_MACHINES",
];

const SIGNED_PATHS = ["/api/v1/licenses/validate", "/api/v1/licenses/activate", "/api/v1/licenses/deactivate", "/api/v1/licenses/heartbeat", "/api/v1/licenses/offline", "/api/validate"];

function allOperations(document: Json = doc): { method: string; path: string; op: Json }[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => isRecord(item[m])).map((m) => ({ method: m.toUpperCase(), path, op: item[m] as Json })),
  );
}

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

/** The subset of JSON Schema 2020-12 the document uses, enough to catch an example that drifted from its schema. */
function schemaErrors(schema: unknown, value: unknown, at = "$"): string[] {
  if (!isRecord(schema)) return [`${at}: no schema`];
  if (typeof schema.$ref === "string") return schemaErrors(pointer(doc, schema.$ref), value, at);
  if (Array.isArray(schema.oneOf)) {
    const matches = schema.oneOf.filter((s) => schemaErrors(s, value, at).length === 0).length;
    if (matches !== 1) return [`${at}: matches ${matches} of oneOf`];
  }
  if ("const" in schema && value !== schema.const) return [`${at}: not ${JSON.stringify(schema.const)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in enum`];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const typeOf = (v: unknown) =>
      v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v === "object" ? "object" : typeof v;
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === "integer" && types.includes("number"))) return [`${at}: ${actual} is not ${types.join("|")}`];
  }
  const errors: string[] = [];
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength) errors.push(`${at}: too short`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) errors.push(`${at}: too long`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
    if (schema.format === "date-time" && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) errors.push(`${at}: not a date-time`);
    if (schema.format === "uuid" && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) errors.push(`${at}: not a uuid`);
    if (schema.format === "email" && !/^[^@\s]+@[^@\s]+$/.test(value)) errors.push(`${at}: not an email`);
  }
  if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${at}: below minimum`);
  if (Array.isArray(value) && schema.items !== undefined) value.forEach((item, i) => errors.push(...schemaErrors(schema.items, item, `${at}[${i}]`)));
  if (isRecord(value)) {
    for (const key of Array.isArray(schema.required) ? schema.required : []) if (!(key in value)) errors.push(`${at}: missing ${String(key)}`);
    const properties = isRecord(schema.properties) ? schema.properties : {};
    for (const [key, sub] of Object.entries(properties)) if (key in value) errors.push(...schemaErrors(sub, value[key], `${at}.${key}`));
  }
  return errors;
}

/** Every example in the document paired with the schema it illustrates. */
function examplesWithSchemas(): { where: string; schema: unknown; value: unknown }[] {
  const found: { where: string; schema: unknown; value: unknown }[] = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (!isRecord(node)) return;
    if (isRecord(node.schema)) {
      // A media type, header or parameter: OpenAPI's own `example` / `examples: {name: {value}}`.
      if ("example" in node) found.push({ where, schema: node.schema, value: node.example });
      if (isRecord(node.examples)) for (const [name, ex] of Object.entries(node.examples)) found.push({ where: `${where}#${name}`, schema: node.schema, value: (ex as Json).value });
    } else {
      // A schema: JSON Schema's `examples: [...]`, or the schema object's own `example`.
      if (Array.isArray(node.examples)) node.examples.forEach((value, i) => found.push({ where: `${where}#${i}`, schema: node, value }));
      if ("example" in node) found.push({ where, schema: node, value: node.example });
    }
    for (const [key, child] of Object.entries(node)) if (key !== "example" && key !== "examples") walk(child, `${where}/${key}`);
  };
  walk(doc, "#");
  return found;
}

const validMachine = () => ((doc.components as Json).schemas as Record<string, Json>).Machine!.example as Json;

describe("openApiDocument", () => {
  it("is an OpenAPI 3.1.0 document with the portal's info", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "License Portal API", version: "1.0.0" });
    const description = (doc.info as Json).description as string;
    for (const term of ["16 KiB", "RateLimit-Reset", "Retry-After", "License-Signature", "(request-target)", "/api/v1/public-key"]) {
      expect(description).toContain(term);
    }
  });

  it("lists servers only when a URL is given", () => {
    expect(doc.servers).toBeUndefined();
    expect((openApiDocument("https://licenses.example.com") as Json).servers).toEqual([{ url: "https://licenses.example.com" }]);
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
    for (const { op } of ops) {
      expect(op.summary).toEqual(expect.any(String));
      expect((op.description as string).length).toBeGreaterThan(20);
      expect(op.tags).toHaveLength(1);
      expect(["License", "Admin", "System"]).toContain((op.tags as string[])[0]);
    }
  });

  it("requires the bearer token on admin operations and on nothing else", () => {
    const components = doc.components as Json;
    expect((components.securitySchemes as Json).adminToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toBeUndefined();
    for (const { path, op } of allOperations()) {
      if (path.startsWith("/api/v1/admin/")) {
        expect(op.security, path).toEqual([{ adminToken: [] }]);
        expect(op.tags).toEqual(["Admin"]);
        expect(op.responses, path).toHaveProperty("401");
      } else {
        expect(op.security ?? [], path).toEqual([]);
        expect(op.responses, path).not.toHaveProperty("401");
      }
    }
  });

  it("enumerates exactly the contract's validation codes", () => {
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    expect(schemas.ValidationCode!.enum).toEqual(VALIDATION_CODES);
    expect(((schemas.ValidationResponse!.properties as Json).code as Json).$ref).toBe("#/components/schemas/ValidationCode");
  });

  it("defines the Error shape {error: {code, message, issues}}", () => {
    const error = (((doc.components as Json).schemas as Record<string, Json>).Error!.properties as Json).error as Json;
    expect(Object.keys(error.properties as Json)).toEqual(["code", "message", "issues"]);
  });

  it("names the contract's response codes", () => {
    const codes = (method: string, path: string) => Object.keys((paths[path]![method] as Json).responses as Json).sort();
    expect(codes("post", "/api/v1/licenses/validate")).toEqual(["200", "400", "413", "429", "503"]);
    expect(codes("post", "/api/v1/licenses/activate")).toEqual(["200", "201", "400", "403", "404", "413", "429", "503"]);
    expect(codes("post", "/api/v1/licenses/deactivate")).toEqual(["200", "400", "404", "413", "429", "503"]);
    expect(codes("post", "/api/v1/licenses/offline")).toEqual(["200", "400", "403", "404", "413", "429", "503"]);
    expect(codes("post", "/api/validate")).toEqual(["200", "400", "403", "413", "429", "503"]);
    expect(codes("post", "/api/v1/admin/products")).toEqual(["201", "400", "401", "409", "413", "503"]);
    expect(codes("post", "/api/v1/admin/plans")).toEqual(["201", "400", "401", "409", "413", "503"]);
    expect(codes("post", "/api/v1/admin/licenses")).toEqual(["201", "400", "401", "409", "413", "503"]);
    expect(codes("patch", "/api/v1/admin/licenses/{id}")).toEqual(["200", "400", "401", "404", "413", "503"]);
    expect(codes("get", "/api/v1/admin/licenses")).toEqual(["200", "400", "401", "503"]);
    expect(codes("get", "/api/v1/admin/licenses/{id}")).toEqual(["200", "401", "404", "503"]);
    expect(codes("delete", "/api/v1/admin/licenses/{id}/machines/{machineId}")).toEqual(["200", "401", "404", "503"]);
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

  it("gives every request body and every success response an example that fits its schema", () => {
    for (const { method, path, op } of allOperations()) {
      if (op.requestBody) expect(operations().find((o) => o.method === method && o.path === path)?.requestExample, `${method} ${path}`).toBeDefined();
    }
    const examples = examplesWithSchemas();
    expect(examples.length).toBeGreaterThan(60);
    const failures = examples.flatMap(({ where, schema, value }) => schemaErrors(schema, value).map((e) => `${where}: ${e}`));
    expect(failures).toEqual([]);
  });

  it("catches an example that does not fit (the checker above really checks)", () => {
    const response = { $ref: "#/components/schemas/ValidationResponse" };
    expect(schemaErrors(response, { valid: true, code: "OK" })).toEqual(expect.arrayContaining(["$: missing detail", '$.code: "OK" not in enum']));
    const digest = (((doc.components as Json).headers as Record<string, Json>).Digest as Json).schema;
    expect(schemaErrors(digest, "sha-256=abc")).toEqual([expect.stringContaining("does not match")]);
    expect(schemaErrors({ $ref: "#/components/schemas/Machine" }, { ...validMachine(), heartbeatDeadline: "tomorrow" })).toEqual(["$.heartbeatDeadline: not a date-time"]);
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe("operations", () => {
  const ops = operations();

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

    const removeMachine = ops.find((o) => o.operationId === "deactivateLicenseMachine")!;
    expect(removeMachine.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual(["path:id:true", "path:machineId:true"]);
  });

  it("reads a document it is given, not only the built-in one", () => {
    const tiny = { paths: { "/x": { get: { operationId: "x", summary: "X", tags: ["System"], responses: { "204": { description: "Nothing" } } } } } };
    expect(operations(tiny)).toEqual([
      expect.objectContaining({ method: "GET", path: "/x", tag: "System", requestExample: undefined, responses: [{ status: "204", description: "Nothing" }] }),
    ]);
  });
});
