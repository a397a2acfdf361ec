// Contract fuzzing (our in-repo Schemathesis): for every operation of the served OpenAPI document, requests
// derived from the document itself, valid and invalid, go through the real handlers on a real database.
// Every answer must be a documented status, never a 5xx, with a body that matches the documented schema,
// and the signed client endpoints must sign every answer. Bounded: a few seconds per operation.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as serveDocument } from "@/app/api/v1/openapi.json/route";
import { GET as health } from "@/app/api/health/route";
import { handleAdminApi } from "../admin-api/handlers";
import { handleReady } from "../health/readiness";
import type { ApiRequest, ApiResponse } from "../http/types";
import { handleLicenseApi, isLicenseApiPath } from "../licensing/api/router";
import { handleMetrics } from "../metrics/endpoint";
import { SIGNED_PATHS } from "../licensing/api/openapi";
import { invalidValue, validValue } from "../test/openapi-arbitraries";
import { documentOperations, validatorFor } from "../test/openapi-schemas";
import { setupTestDatabase } from "../test/database";

setupTestDatabase();
const TOKEN = "contract-test-admin-token";
process.env.ADMIN_API_TOKEN = TOKEN;

type Json = Record<string, unknown>;
let doc: Json;
let known: { key: string; licenseId: string; plan: string; product: string };

/** Answers a request the way the production server's fast path and Next routes do, in process. */
async function send(req: ApiRequest): Promise<ApiResponse> {
  if (isLicenseApiPath(req.path)) return handleLicenseApi(req);
  if (req.path.startsWith("/api/v1/admin/")) return handleAdminApi(req);
  if (req.path === "/api/ready") return handleReady(req);
  if (req.path === "/metrics") return handleMetrics(req);
  const web = req.path === "/api/health" ? await health() : serveDocument();
  return { status: web.status, headers: Object.fromEntries(web.headers), body: Buffer.from(await web.arrayBuffer()) };
}

let client = 0;
function request(method: string, path: string, opts: { body?: unknown; raw?: string; query?: Record<string, unknown>; headers?: Record<string, string> } = {}): ApiRequest {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) query.set(k, typeof v === "string" ? v : JSON.stringify(v));
  return {
    method,
    path,
    query,
    host: "licenses.example.com",
    // A client of its own per request: the rate limits are tested elsewhere and would only add 429s here.
    ip: `198.18.${(++client >> 8) & 255}.${client & 255}`,
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...opts.headers },
    body: Buffer.from(opts.raw ?? (opts.body === undefined ? "" : JSON.stringify(opts.body))),
  };
}

beforeAll(async () => {
  doc = (await serveDocument().json()) as Json;
  const admin = (method: string, path: string, body: unknown) => send(request(method, `/api/v1/admin/${path}`, { body }));
  const product = await admin("POST", "products", { slug: "fuzzed", name: "Fuzzed" });
  expect(product.status).toBe(201);
  const plan = await admin("POST", "plans", { product: "fuzzed", slug: "fuzzed-pro", name: "Pro", maxMachines: 3, durationDays: 365, entitlements: ["sync"] });
  expect(plan.status).toBe(201);
  const issued = JSON.parse((await admin("POST", "licenses", { plan: "fuzzed-pro", email: "fuzz@example.com" })).body.toString());
  known = { key: issued.key, licenseId: issued.id, plan: "fuzzed-pro", product: "fuzzed" };
});

/** Checks one answer against the operation's documented responses. */
function checkAnswer(where: string, op: Json, path: string, res: ApiResponse) {
  const responses = op.responses as Record<string, Json>;
  expect(res.status, `${where}: ${res.body.toString().slice(0, 300)}`).toBeLessThan(500);
  expect(Object.keys(responses), `${where}: undocumented status ${res.status}: ${res.body.toString().slice(0, 300)}`).toContain(String(res.status));
  const media = ((responses[String(res.status)]!.content ?? {}) as Record<string, Json>)["application/json"];
  if (media) {
    const parsed = validatorFor(doc, media.schema).safeParse(JSON.parse(res.body.toString()));
    expect(parsed.success, `${where} ${res.status}: ${parsed.error?.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}\n${res.body.toString().slice(0, 500)}`).toBe(true);
  }
  if (SIGNED_PATHS.includes(path)) {
    for (const header of ["Date", "Digest", "License-Signature"]) expect(res.headers[header], `${where}: ${header}`).toBeTruthy();
  }
}

/** Fills a path template with valid (or, for `broken`, arbitrary) parameter values. */
function pathArbitrary(path: string, op: Json): fc.Arbitrary<string> {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "path");
  if (params.length === 0) return fc.constant(path);
  const values = params.map((p) => fc.oneof(p.name === "id" ? fc.constant(known.licenseId) : validValue(doc, p.schema as Json), fc.string({ minLength: 1, maxLength: 40 })));
  return fc.tuple(...values).map((vals) => params.reduce((acc, p, i) => acc.replace(`{${p.name as string}}`, encodeURIComponent(String(vals[i]))), path));
}

function queryArbitrary(op: Json, valid: boolean): fc.Arbitrary<Record<string, unknown>> {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "query");
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of params) record[p.name as string] = valid ? validValue(doc, p.schema as Json) : fc.oneof(invalidValue(doc, p.schema as Json), fc.string());
  return fc.record(record, { requiredKeys: [] });
}

/** A valid body, with the known license key and product/plan sometimes substituted so that "found" paths run too. */
function bodyArbitrary(schema: Json, valid: boolean): fc.Arbitrary<unknown> {
  if (!valid) return fc.oneof(invalidValue(doc, schema), fc.jsonValue());
  return fc.tuple(validValue(doc, schema), fc.boolean()).map(([body, useKnown]) => {
    if (!useKnown || typeof body !== "object" || body === null) return body;
    const b = { ...(body as Json) };
    if ("key" in b) b.key = known.key;
    if ("plan" in b) b.plan = known.plan;
    if ("product" in b && typeof b.product === "string") b.product = known.product;
    return b;
  });
}

const BUDGET_MS = 2_000;

describe("every documented operation, fuzzed from the served document", () => {
  it("has operations to fuzz", () => {
    expect(documentOperations(doc).length).toBeGreaterThanOrEqual(16);
  });

  it("answers valid and invalid requests only with documented statuses and bodies, never a 5xx", { timeout: 120_000 }, async () => {
    for (const { method, path, op } of documentOperations(doc)) {
      const where = `${method} ${path}`;
      const schema = ((op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.["application/json"]?.schema as Json | undefined;
      for (const valid of [true, false]) {
        await fc.assert(
          fc.asyncProperty(
            pathArbitrary(path, op),
            queryArbitrary(op, valid),
            schema ? bodyArbitrary(schema, valid) : fc.constant(undefined),
            async (actualPath, query, body) => {
              const res = await send(request(method, actualPath, { body, query }));
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
      if (!op.requestBody) continue;
      for (const raw of ["", "{", "null", "[]", '"text"', "\u0000", "{\"key\": \"\\ud800\"}"]) {
        const res = await send(request(method, path.replace("{id}", known.licenseId), { raw }));
        checkAnswer(`${method} ${path} ${JSON.stringify(raw)}`, op, path, res);
        expect(res.status).toBe(400);
      }
    }
  });

  it("answers admin operations without a valid token with the documented 401", async () => {
    for (const { method, path, op } of documentOperations(doc).filter(({ path }) => path.startsWith("/api/v1/admin/"))) {
      const res = await send(request(method, path.replace("{id}", known.licenseId).replace("{machineId}", known.licenseId), { headers: { authorization: "Bearer nope" } }));
      checkAnswer(`${method} ${path} (bad token)`, op, path, res);
      expect(res.status).toBe(401);
    }
  });
});
