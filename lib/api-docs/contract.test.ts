// Contract fuzzing (our in-repo Schemathesis): for every operation of the served OpenAPI document, requests
// derived from the document itself, valid and invalid, go through the real handlers on a real database.
// Every answer must be a documented status, never a 5xx, with a body that matches the documented schema,
// and the signed client endpoints must sign every answer. Bounded: a few seconds per operation.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as serveDocument } from "@/app/api/v1/openapi.json/route";
import { GET as health } from "@/app/api/health/route";
import { POST as stripeWebhook } from "@/app/api/stripe/webhook/route";
import type { ApiRequest, ApiResponse } from "../http/types";
import { downloadToken } from "../releases/links";
import { fastRouteHandler } from "../server/fast-routes";
import { invalidValue, validValue } from "../test/openapi-arbitraries";
import { documentOperations, validatorFor } from "../test/openapi-schemas";
import { setupTestDatabase } from "../test/database";

setupTestDatabase();
const TOKEN = "contract-test-admin-token";
process.env.ADMIN_API_TOKEN = TOKEN;
process.env.STRIPE_WEBHOOK_SECRET ??= "whsec_contract_test_secret";

type Json = Record<string, unknown>;
let doc: Json;
let known: { key: string; licenseId: string; plan: string; product: string; releaseId: string; artifactId: string; filename: string; endpointId: string; deliveryId: string };

/** Answers a request the way the production server does, in process: its fast path, else the Next route. */
async function send(req: ApiRequest): Promise<ApiResponse> {
  const fast = fastRouteHandler(req.path);
  if (fast) return fast(req);
  let web: Response;
  if (req.path === "/api/health") web = await health();
  else if (req.path === "/api/stripe/webhook") {
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => e[1] !== undefined));
    web = await stripeWebhook(new Request(`http://${req.host}${req.path}`, { method: req.method, headers, body: new Uint8Array(req.body) }));
  } else web = serveDocument();
  const body = Buffer.from(await web.arrayBuffer());
  return { status: web.status, headers: Object.fromEntries(web.headers), body };
}

let client = 0;
type RequestOptions = { body?: unknown; raw?: string | Buffer; query?: Record<string, unknown>; headers?: Record<string, string>; contentType?: string };

/** The body as the operation's media type carries it: JSON, a form (Lemon Squeezy), or raw bytes (uploads). */
function encodeBody(body: unknown, contentType: string): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (contentType === "application/x-www-form-urlencoded" && typeof body === "object" && body !== null && !Array.isArray(body)) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) form.set(k, typeof v === "string" ? v : JSON.stringify(v));
    return Buffer.from(form.toString());
  }
  if (contentType === "application/octet-stream" && typeof body === "string") return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

function request(method: string, path: string, opts: RequestOptions = {}): ApiRequest {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) query.set(k, typeof v === "string" ? v : JSON.stringify(v));
  const contentType = opts.contentType ?? "application/json";
  return {
    method,
    path,
    query,
    host: "licenses.example.com",
    // A client of its own per request: the rate limits are tested elsewhere and would only add 429s here.
    ip: `198.18.${(++client >> 8) & 255}.${client & 255}`,
    headers: { "content-type": contentType, authorization: `Bearer ${TOKEN}`, ...opts.headers },
    body: opts.raw !== undefined ? Buffer.from(opts.raw) : encodeBody(opts.body, contentType),
  };
}

/** The request media type an operation documents, if it takes a body. */
function requestMedia(op: Json): { type: string; schema: Json } | undefined {
  const content = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const [type, media] = Object.entries(content ?? {})[0] ?? [];
  return type && media ? { type, schema: media.schema as Json } : undefined;
}

beforeAll(async () => {
  doc = (await serveDocument().json()) as Json;
  const admin = async (method: string, path: string, body?: unknown, opts: RequestOptions = {}) => {
    const res = await send(request(method, `/api/v1/admin/${path}`, { body, ...opts }));
    return { status: res.status, json: res.body.length > 0 && res.headers["Content-Type"]?.includes("json") !== false ? (JSON.parse(res.body.toString()) as Json) : {} };
  };
  expect((await admin("POST", "products", { slug: "fuzzed", name: "Fuzzed" })).status).toBe(201);
  const plan = await admin("POST", "plans", { product: "fuzzed", slug: "fuzzed-pro", name: "Pro", maxMachines: 3, durationDays: 365, entitlements: ["sync"] });
  expect(plan.status).toBe(201);
  const issued = (await admin("POST", "licenses", { plan: "fuzzed-pro", email: "fuzz@example.com" })).json;
  const release = await admin("POST", "releases", { product: "fuzzed", version: "1.0.0" });
  expect(release.status).toBe(201);
  const releaseId = release.json.id as string;
  const upload = await admin("PUT", `releases/${releaseId}/artifacts/Fuzzed-1.0.0.zip`, undefined, {
    raw: Buffer.from("fuzzed bytes"),
    query: { platform: "darwin", arch: "any" },
    contentType: "application/octet-stream",
  });
  expect(upload.status).toBe(201);
  const endpoint = await admin("POST", "webhook-endpoints", { url: "http://127.0.0.1:9/hook" });
  expect(endpoint.status).toBe(201);
  // A license change records an event, so the endpoint has a delivery to list and retry.
  expect((await admin("PATCH", `licenses/${issued.id as string}`, { maxMachines: 4 })).status).toBe(200);
  const deliveries = await admin("GET", `webhook-endpoints/${endpoint.json.id as string}/deliveries`);
  const delivery = (deliveries.json.data as Json[])[0];
  expect(delivery).toBeDefined();
  known = {
    key: issued.key as string,
    licenseId: issued.id as string,
    plan: "fuzzed-pro",
    product: "fuzzed",
    releaseId,
    artifactId: upload.json.id as string,
    filename: "Fuzzed-1.0.0.zip",
    endpointId: endpoint.json.id as string,
    deliveryId: delivery!.id as string,
  };
});

/** The value of a path parameter that names something that exists, by where it appears. */
function knownParam(path: string, name: string): string | undefined {
  if (name === "id") {
    if (path.includes("/releases/")) return known.releaseId;
    if (path.includes("/webhook-endpoints/")) return known.endpointId;
    if (path.includes("/webhook-deliveries/")) return known.deliveryId;
    return known.licenseId;
  }
  if (name === "token") return downloadToken(known.artifactId, known.licenseId, new Date()).token;
  if (name === "filename") return known.filename;
  if (name === "product") return known.product;
  return undefined;
}

/** Fills every `{param}` with something that exists (else a placeholder), for requests that only test one thing. */
const fillKnown = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(knownParam(path, name) ?? "x"));

/** Checks one answer against the operation's documented responses. */
function checkAnswer(where: string, op: Json, path: string, res: ApiResponse) {
  const responses = op.responses as Record<string, Json>;
  expect(res.status, `${where}: ${res.body.toString().slice(0, 300)}`).toBeLessThan(500);
  expect(Object.keys(responses), `${where}: undocumented status ${res.status}: ${res.body.toString().slice(0, 300)}`).toContain(String(res.status));
  const content = (responses[String(res.status)]!.content ?? {}) as Record<string, Json>;
  const type = (res.headers["Content-Type"] ?? res.headers["content-type"] ?? "").split(";")[0]!.trim();
  // A body of a media type the document does not list for this status is undocumented too.
  const documentedTypes = Object.keys(content).map((t) => t.split(";")[0]!.trim());
  if (res.body.length > 0 && documentedTypes.length > 0) expect(documentedTypes, `${where} ${res.status}: undocumented Content-Type ${type}`).toContain(type);
  const media = type === "application/json" ? content["application/json"] : undefined;
  if (media) {
    const parsed = validatorFor(doc, media.schema).safeParse(JSON.parse(res.body.toString()));
    expect(parsed.success, `${where} ${res.status}: ${parsed.error?.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}\n${res.body.toString().slice(0, 500)}`).toBe(true);
  }
  // Where the document says an answer is signed, it must be.
  const documentedHeaders = (responses[String(res.status)]!.headers ?? {}) as Json;
  for (const header of ["Date", "Digest", "License-Signature"]) {
    if (header in documentedHeaders) expect(res.headers[header], `${where}: ${header}`).toBeTruthy();
  }
}

/** Fills a path template with valid (or, for `broken`, arbitrary) parameter values. */
function pathArbitrary(path: string, op: Json): fc.Arbitrary<string> {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "path");
  if (params.length === 0) return fc.constant(path);
  const values = params.map((p) => {
    const existing = knownParam(path, p.name as string);
    return fc.oneof(existing !== undefined ? fc.constant(existing) : validValue(doc, p.schema as Json), validValue(doc, p.schema as Json), fc.string({ minLength: 1, maxLength: 40 }));
  });
  return fc.tuple(...values).map((vals) => params.reduce((acc, p, i) => acc.replace(`{${p.name as string}}`, encodeURIComponent(String(vals[i]))), path));
}

function queryArbitrary(op: Json, valid: boolean): fc.Arbitrary<Record<string, unknown>> {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "query");
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of params) record[p.name as string] = valid ? validValue(doc, p.schema as Json) : fc.oneof(invalidValue(doc, p.schema as Json), fc.string());
  return fc.record(record, { requiredKeys: [] });
}

/** Documented request headers (`Range`, `Idempotency-Key`, `Stripe-Signature`): valid values, or any text. */
function headerArbitrary(op: Json, valid: boolean): fc.Arbitrary<Record<string, string>> {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "header");
  const record: Record<string, fc.Arbitrary<string>> = {};
  for (const p of params) {
    // Header values are bytes on the wire: printable ASCII here (Node refuses others before any handler runs).
    const text = fc.string({ maxLength: 60, unit: "grapheme-ascii" }).map((v) => v.replace(/[\u0000-\u001f\u007f]/g, ""));
    const value = valid ? validValue(doc, p.schema as Json).map(String) : text;
    // A few values a header like Range is often broken with.
    const ascii = value.map((v) => v.replace(/[^\x20-\x7e]/g, ""));
    record[(p.name as string).toLowerCase()] = fc.oneof(ascii, text, fc.constantFrom("bytes=0-0", "bytes=5-", "bytes=-3", "bytes=9999999999999999999-", "bytes=3-1", "bytes=0-1,4-5", "items=0-1"));
  }
  return fc.record(record, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}

/** A valid body, with the known license key and product/plan sometimes substituted so that "found" paths run too. */
function bodyArbitrary(schema: Json, valid: boolean): fc.Arbitrary<unknown> {
  if (!valid) return fc.oneof(invalidValue(doc, schema), fc.jsonValue());
  return fc.tuple(validValue(doc, schema), fc.boolean()).map(([body, useKnown]) => {
    if (!useKnown || typeof body !== "object" || body === null) return body;
    const b = { ...(body as Json) };
    if ("key" in b) b.key = known.key;
    if ("license_key" in b) b.license_key = known.key;
    if ("plan" in b) b.plan = known.plan;
    if ("product" in b && typeof b.product === "string") b.product = known.product;
    return b;
  });
}

const BUDGET_MS = 1_500;

describe("every documented operation, fuzzed from the served document", () => {
  it("has operations to fuzz", () => {
    expect(documentOperations(doc).length).toBeGreaterThanOrEqual(46);
  });

  // Up to 2 × BUDGET_MS per operation.
  it("answers valid and invalid requests only with documented statuses and bodies, never a 5xx", { timeout: 300_000 }, async () => {
    for (const { method, path, op } of documentOperations(doc)) {
      const where = `${method} ${path}`;
      const media = requestMedia(op);
      const raw = media?.type === "application/octet-stream";
      const feed = ((op.security ?? []) as Json[]).some((s) => "licenseKey" in s);
      for (const valid of [true, false]) {
        await fc.assert(
          fc.asyncProperty(
            pathArbitrary(path, op),
            queryArbitrary(op, valid),
            media ? (raw ? fc.string({ maxLength: 64 }) : bodyArbitrary(media.schema, valid)) : fc.constant(undefined),
            // The update feeds' license key: the known one, a wrong one, or none.
            fc.constantFrom(`License ${known.key}`, "License ZZ-NOPE", `Bearer ${TOKEN}`),
            headerArbitrary(op, valid),
            async (actualPath, query, body, feedAuth, extraHeaders) => {
              const headers = { ...extraHeaders, ...(feed ? { authorization: feedAuth } : {}) };
              const res = await send(request(method, actualPath, { body, query, headers, contentType: media?.type }));
              checkAnswer(`${where} (${valid ? "valid" : "invalid"})`, op, path, res);
            },
          ),
          { numRuns: 30, interruptAfterTimeLimit: BUDGET_MS, endOnFailure: true },
        );
      }
    }
  });

  it("answers bodies that are not JSON at all with a documented 400, signed where the path is signed", async () => {
    for (const { method, path, op } of documentOperations(doc)) {
      if (requestMedia(op)?.type !== "application/json") continue;
      // A lone surrogate is malformed text (400) in a field the operation reads; other fields are ignored.
      const schema = requestMedia(op)!.schema;
      const resolved = typeof schema.$ref === "string" ? (((doc.components as Json).schemas as Json)[schema.$ref.split("/").pop()!] as Json) : schema;
      const readsKey = "key" in ((resolved.properties ?? {}) as Json);
      const bodies = ["", "{", "null", "[]", '"text"', "\u0000", ...(readsKey ? ['{"key": "\\ud800"}'] : [])];
      for (const raw of bodies) {
        const res = await send(request(method, fillKnown(path), { raw, headers: path === "/api/stripe/webhook" ? { "stripe-signature": "t=1,v1=00" } : {} }));
        checkAnswer(`${method} ${path} ${JSON.stringify(raw)}`, op, path, res);
        expect(res.status, `${method} ${path} ${JSON.stringify(raw)}`).toBe(400);
      }
    }
  });

  it("answers Lemon Squeezy requests it cannot read with 400, and missing or malformed fields with 422, as Lemon Squeezy does", async () => {
    for (const { method, path, op } of documentOperations(doc).filter(({ path }) => path.startsWith("/v1/licenses/"))) {
      for (const [raw, contentType, status] of [
        ["{", "application/json", 400],
        ["[1]", "application/vnd.api+json", 400],
        [Buffer.from([0x6b, 0xff]), "application/x-www-form-urlencoded", 400],
        ["", "application/x-www-form-urlencoded", 422],
        ["license_key=%00", "application/x-www-form-urlencoded", 422],
        [JSON.stringify({ license_key: { a: 1 } }), "application/json", 422],
        [`license_key=${"k".repeat(300)}`, "application/x-www-form-urlencoded", 422],
      ] as const) {
        const res = await send(request(method, path, { raw, contentType }));
        checkAnswer(`${method} ${path} ${JSON.stringify(raw)}`, op, path, res);
        expect(res.status, `${path} ${raw}`).toBe(status);
      }
    }
  });

  it("answers a malformed path parameter (bad percent-encoding, a slash, a dot-segment) with a documented 4xx", async () => {
    for (const { method, path, op } of documentOperations(doc).filter(({ path }) => path.includes("{"))) {
      for (const bad of ["%ZZ", "%", "a%2Fb", "..", "%00", "%C0%AF"]) {
        const target = path.replace(/\{[^}]+\}/g, bad);
        const res = await send(request(method, target, { headers: ((op.security ?? []) as Json[]).some((s) => "licenseKey" in s) ? { authorization: `License ${known.key}` } : {} }));
        checkAnswer(`${method} ${target}`, op, path, res);
        expect(res.status, `${method} ${target}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it("answers admin operations without a valid token with the documented 401", async () => {
    for (const { method, path, op } of documentOperations(doc).filter(({ path }) => path.startsWith("/api/v1/admin/"))) {
      const res = await send(request(method, fillKnown(path), { headers: { authorization: "Bearer nope" } }));
      checkAnswer(`${method} ${path} (bad token)`, op, path, res);
      expect(res.status).toBe(401);
    }
  });
});
