/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON, checked field by field */
// The admin API end to end against a real database: requests go through
// handleAdminApi exactly as the Next route hands them over, and the database is
// inspected directly with SQL to see what was (and was not) written.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { ApiError } from "../http/errors";
import type { ApiRequest } from "../http/types";
import { setupTestDatabase } from "../test/database";
import { startTrial } from "../licensing/trials";
import { ADMIN_AUTH_FAILURE_WINDOW_MS, ADMIN_AUTH_FAILURES_PER_IP, createApiToken, hashApiToken } from "./auth";
import { handleAdminApi } from "./handlers";

setupTestDatabase();
const TOKEN = "test-admin-token";
process.env.ADMIN_API_TOKEN = TOKEN;

const KEY_PATTERN = /^ZP-([A-HJ-NP-Z2-9]{5}-){3}[A-HJ-NP-Z2-9]{5}$/;
const DAY_MS = 86_400_000;

type CallOptions = {
  body?: unknown;
  raw?: string;
  token?: string | null;
  query?: string;
  ip?: string;
  headers?: Record<string, string>;
  extra?: Partial<ApiRequest>;
};
type Result = { status: number; headers: Record<string, string>; json: any; text: string };

/** Builds the ApiRequest a mount would, calls the handler, decodes the answer. */
async function call(method: string, path: string, options: CallOptions = {}): Promise<Result> {
  const token = options.token === undefined ? TOKEN : options.token;
  const body = options.raw ?? (options.body === undefined ? "" : JSON.stringify(options.body));
  const req: ApiRequest = {
    method,
    path: `/api/v1/admin/${path}`,
    query: new URLSearchParams(options.query ?? ""),
    host: "portal.test",
    ip: options.ip ?? "203.0.113.7",
    headers: { "content-type": "application/json", ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...options.headers },
    body: Buffer.from(body),
    ...options.extra,
  };
  const res = await handleAdminApi(req);
  const text = res.body.toString("utf8");
  return { status: res.status, headers: res.headers, json: JSON.parse(text), text };
}

async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db().query(text, values)).rows as T[];
}

async function rowCounts(): Promise<Record<string, number>> {
  const tables = ["products", "plans", "licenses", "users", "machines", "audit_logs"];
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await sql(`SELECT count(*)::int AS n FROM ${t}`))[0].n);
  return counts;
}

async function auditFor(action: string, targetId: string): Promise<any[]> {
  return sql("SELECT * FROM audit_logs WHERE action = $1 AND target_id = $2 ORDER BY id", [action, targetId]);
}

async function insertMachine(licenseId: string, fields: { fingerprint: string; deadline?: Date | null; deactivatedAt?: Date | null }) {
  const [row] = await sql(
    `INSERT INTO machines (license_id, fingerprint, name, platform, heartbeat_deadline, deactivated_at)
     VALUES ($1, $2, $3, 'linux-x64', $4, $5) RETURNING id`,
    [licenseId, fields.fingerprint, `Box ${fields.fingerprint}`, fields.deadline ?? null, fields.deactivatedAt ?? null],
  );
  return row.id as string;
}

// A catalogue every describe block can issue licenses on.
let productId = "";
beforeAll(async () => {
  const product = await call("POST", "products", { body: { slug: "zapp", name: "Zapp" } });
  expect(product.status).toBe(201);
  productId = product.json.id;
  const plans = [
    { slug: "zapp-pro", maxMachines: 2, durationDays: 365, entitlements: ["sync", "export"] },
    { slug: "zapp-team", maxMachines: 3, durationDays: null, entitlements: ["sync"], floating: true },
    { slug: "zapp-lite", maxMachines: 1, durationDays: 30, entitlements: [] },
  ];
  for (const plan of plans) {
    const res = await call("POST", "plans", { body: { product: "zapp", name: plan.slug, ...plan } });
    expect(res.status).toBe(201);
  }
});

async function issue(body: Record<string, unknown>): Promise<Result> {
  const res = await call("POST", "licenses", { body });
  expect(res.status, res.text).toBe(201);
  return res;
}

describe("authentication", () => {
  let licenseId = "";
  let machineId = "";
  beforeAll(async () => {
    licenseId = (await issue({ plan: "zapp-pro", email: "auth@example.com" })).json.id;
    machineId = await insertMachine(licenseId, { fingerprint: "auth-fp" });
  });

  const endpoints = (): [string, string, unknown][] => [
    ["POST", "products", { slug: "sneaky", name: "Sneaky" }],
    ["POST", "plans", { product: "zapp", slug: "sneaky", name: "S", maxMachines: 1, durationDays: null, entitlements: [] }],
    ["POST", "licenses", { plan: "zapp-pro", email: "sneaky@example.com" }],
    ["GET", "licenses", undefined],
    ["GET", `licenses/${licenseId}`, undefined],
    ["PATCH", `licenses/${licenseId}`, { status: "REVOKED" }],
    ["DELETE", `licenses/${licenseId}/machines/${machineId}`, undefined],
    ["GET", "no-such-endpoint", undefined],
  ];

  let client = 0;
  it.each([
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer wrong-token" }],
    ["an empty bearer token", { authorization: "Bearer " }],
    ["the right token with another scheme", { authorization: `Basic ${TOKEN}` }],
    ["the right token without a scheme", { authorization: TOKEN }],
  ])("answers 401 with %s on every endpoint and writes nothing", async (_label, headers) => {
    const before = await rowCounts();
    for (const [method, path, body] of endpoints()) {
      // A client of its own per attempt: the failure throttle (below) is not what this test is about.
      const res = await call(method, path, { body, extra: { headers, ip: `198.18.0.${++client}` } });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json.error.code).toBe("UNAUTHORIZED");
      expect(res.headers["WWW-Authenticate"]).toBe('Bearer realm="admin"');
    }
    expect(await rowCounts()).toEqual(before);
    const [license] = await sql("SELECT status FROM licenses WHERE id = $1", [licenseId]);
    const [machine] = await sql("SELECT deactivated_at FROM machines WHERE id = $1", [machineId]);
    expect(license.status).toBe("ACTIVE");
    expect(machine.deactivated_at).toBeNull();
  });

  it(`answers 429 with Retry-After after ${ADMIN_AUTH_FAILURES_PER_IP} failed authentications from one client, even to the right token; other clients are unaffected`, async () => {
    const ip = "192.0.2.201";
    for (let i = 0; i < ADMIN_AUTH_FAILURES_PER_IP; i++) {
      const res = await call("GET", "licenses", { token: `wrong-${i}`, ip });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    for (const token of ["wrong-again", null, TOKEN]) {
      const res = await call("GET", "licenses", { token, ip });
      expect(res.status).toBe(429);
      expect(res.json.error.code).toBe("RATE_LIMITED");
      const retryAfter = Number(res.headers["Retry-After"]);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(ADMIN_AUTH_FAILURE_WINDOW_MS / 1000);
    }
    expect((await call("GET", "licenses", { ip: "192.0.2.202" })).status).toBe(200);
    expect((await call("GET", "licenses", { token: "wrong", ip: "192.0.2.202" })).status).toBe(401);
  });

  it("counts only failures: a client using its token correctly is never throttled", async () => {
    for (let i = 0; i < ADMIN_AUTH_FAILURES_PER_IP * 2; i++) expect((await call("GET", "licenses", { ip: "192.0.2.203" })).status).toBe(200);
  });

  it("accepts a console token, records it as the actor and stamps lastUsedAt", async () => {
    const { token, hash, hint } = createApiToken();
    expect(token).toMatch(/^lpat_[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashApiToken(token));
    expect(hint).toBe(token.slice(-4));
    const [row] = await sql("INSERT INTO api_tokens (name, token_hash, hint) VALUES ('CI', $1, $2) RETURNING id", [hash, hint]);

    const res = await call("POST", "products", { token, body: { slug: "via-console", name: "Via console" } });
    expect(res.status).toBe(201);
    const [audit] = await auditFor("product.create", res.json.id);
    expect(audit).toMatchObject({ actor_type: "admin_token", actor_id: row.id, actor_label: "CI" });

    // The update is fire-and-forget: give it a moment.
    let lastUsed: Date | null = null;
    for (let i = 0; i < 50 && lastUsed === null; i++) {
      lastUsed = (await sql("SELECT last_used_at FROM api_tokens WHERE id = $1", [row.id]))[0].last_used_at;
      if (lastUsed === null) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).toBeInstanceOf(Date);
  });

  it("refuses a revoked console token", async () => {
    const { token, hash, hint } = createApiToken();
    await sql("INSERT INTO api_tokens (name, token_hash, hint, revoked_at) VALUES ('old', $1, $2, now())", [hash, hint]);
    expect((await call("GET", "licenses", { token })).status).toBe(401);
  });

  it("does not accept any token as the env token when ADMIN_API_TOKEN is empty", async () => {
    process.env.ADMIN_API_TOKEN = "";
    try {
      expect((await call("GET", "licenses", { token: "" })).status).toBe(401);
      expect((await call("GET", "licenses", { token: TOKEN })).status).toBe(401);
    } finally {
      process.env.ADMIN_API_TOKEN = TOKEN;
    }
    expect((await call("GET", "licenses")).status).toBe(200);
  });
});

describe("routing", () => {
  it("answers 404 for an unknown admin path once authenticated", async () => {
    const res = await call("GET", "widgets");
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("NOT_FOUND");
  });

  it("answers 405 with Allow for a wrong method on a known path", async () => {
    const res = await call("PUT", "licenses", { body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.Allow).toBe("GET, HEAD, POST");
    expect(res.json.error.code).toBe("METHOD_NOT_ALLOWED");
    expect((await call("DELETE", "customers")).headers.Allow).toBe("GET, HEAD");
  });

  it("answers HEAD wherever it answers GET, with GET's status", async () => {
    expect((await call("HEAD", "customers")).status).toBe(200);
    expect((await call("HEAD", `licenses/${randomUUID()}`)).status).toBe(404);
  });

  it.each(["products", "plans", "licenses", `licenses/${randomUUID()}`])(
    "answers 400, never 5xx, to malformed JSON on %s",
    async (path) => {
      for (const raw of ["{", "[1,2]", "null", "\"x\"", "", "\xff"]) {
        const res = await call(path.includes("/") ? "PATCH" : "POST", path, { raw });
        expect(res.status, `${path} ${JSON.stringify(raw)}`).toBe(400);
        expect(res.json.error.code).toBe("BAD_REQUEST");
      }
    },
  );

  it("reports a body the mount could not read with its own status", async () => {
    const bodyError = new ApiError("PAYLOAD_TOO_LARGE", "Request body exceeds 16384 bytes");
    const res = await call("POST", "products", { extra: { bodyError } });
    expect(res.status).toBe(413);
  });
});

describe("POST /products", () => {
  it("creates a product with trimmed fields and audits it", async () => {
    const res = await call("POST", "products", { body: { slug: " notes ", name: "  Notes  ", extra: 1 }, ip: "198.51.100.4" });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(String),
      slug: "notes",
      name: "Notes",
      number: expect.any(Number),
      description: null,
      lemonSqueezyStoreId: null,
      lemonSqueezyProductId: null,
      archivedAt: null,
      createdAt: expect.any(String),
    });
    const [audit] = await auditFor("product.create", res.json.id);
    expect(audit).toMatchObject({ actor_type: "env_token", actor_label: "ADMIN_API_TOKEN", ip: "198.51.100.4", data: { slug: "notes", name: "Notes" } });
  });

  it("answers 409 CONFLICT for a duplicate slug", async () => {
    const before = await rowCounts();
    const res = await call("POST", "products", { body: { slug: "zapp", name: "Again" } });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("CONFLICT");
    expect(await rowCounts()).toEqual(before);
  });

  it.each([{ slug: "Bad Slug", name: "x" }, { slug: "-x", name: "x" }, { slug: "ok", name: "   " }, { slug: "ok", name: "n".repeat(201) }, { name: "x" }])(
    "answers 400 for %j",
    async (body) => {
      const res = await call("POST", "products", { body });
      expect(res.status).toBe(400);
      expect(res.json.error.issues.length).toBeGreaterThan(0);
    },
  );
});

describe("POST /plans", () => {
  const base = { product: "zapp", name: "Plan", maxMachines: 2, durationDays: 30, entitlements: ["a.b:c-d_e"] };

  it("creates a plan with defaults and answers with all its fields", async () => {
    const res = await call("POST", "plans", { body: { ...base, slug: "zapp-basic", entitlements: ["sync", "sync", "x"] } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(String),
      product: "zapp",
      slug: "zapp-basic",
      name: "Plan",
      maxMachines: 2,
      durationDays: 30,
      entitlements: ["sync", "x"],
      floating: false,
      heartbeatSeconds: 600,
      offlineGraceDays: 7,
      reminderDays: 7,
      expirationStrategy: "RESTRICT",
      stripePriceId: null,
      number: expect.any(Number),
      description: null,
      priceCents: null,
      currency: "usd",
      billingInterval: null,
      sortOrder: 0,
      lemonSqueezyVariantId: null,
      trialDays: null,
      archivedAt: null,
      createdAt: expect.any(String),
    });
    const [row] = await sql("SELECT product_id FROM plans WHERE id = $1", [res.json.id]);
    expect(row.product_id).toBe(productId);
    const [audit] = await auditFor("plan.create", res.json.id);
    expect(audit.data).toMatchObject({ product: "zapp", slug: "zapp-basic", maxMachines: 2 });
  });

  it("keeps explicit floating, heartbeat, grace and Stripe price", async () => {
    const body = { ...base, slug: "zapp-float", durationDays: null, floating: true, heartbeatSeconds: 60, offlineGraceDays: 0, stripePriceId: "price_123" };
    const res = await call("POST", "plans", { body });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ durationDays: null, floating: true, heartbeatSeconds: 60, offlineGraceDays: 0, stripePriceId: "price_123" });
  });

  it("takes a free trial in days (1–365, null: none) and refuses anything else with 400", async () => {
    const res = await call("POST", "plans", { body: { ...base, slug: "zapp-trial", trialDays: 14 } });
    expect(res.status).toBe(201);
    expect(res.json.trialDays).toBe(14);
    for (const trialDays of [0, 366, 1.5, "14"]) {
      const bad = await call("POST", "plans", { body: { ...base, slug: "zapp-trial-bad", trialDays } });
      expect(bad.status).toBe(400);
      expect(bad.json.error.issues[0].path).toBe("trialDays");
    }
  });

  it("takes the reminder days (0: none, up to 365) and refuses anything else with 400, writing nothing", async () => {
    for (const reminderDays of [0, 365]) {
      const res = await call("POST", "plans", { body: { ...base, slug: `zapp-remind-${reminderDays}`, reminderDays } });
      expect(res.status).toBe(201);
      expect(res.json.reminderDays).toBe(reminderDays);
      expect((await sql("SELECT reminder_days FROM plans WHERE id = $1", [res.json.id]))[0].reminder_days).toBe(reminderDays);
    }
    const before = await rowCounts();
    for (const reminderDays of [-1, 366, 2.5, "7", null]) {
      const bad = await call("POST", "plans", { body: { ...base, slug: "zapp-remind-bad", reminderDays } });
      expect(bad.status, JSON.stringify(reminderDays)).toBe(400);
      expect(bad.json.error.issues.map((i: { path: string }) => i.path)).toEqual(["reminderDays"]);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("answers 400 for an unknown product and writes nothing", async () => {
    const before = await rowCounts();
    const res = await call("POST", "plans", { body: { ...base, product: "nope", slug: "nope-plan" } });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain("nope");
    expect(await rowCounts()).toEqual(before);
  });

  it("answers 409 for a plan slug taken under any product, and for a taken Stripe price", async () => {
    await call("POST", "products", { body: { slug: "other", name: "Other" } });
    const dupSlug = await call("POST", "plans", { body: { ...base, product: "other", slug: "zapp-pro" } });
    expect(dupSlug.status).toBe(409);
    expect(dupSlug.json.error.code).toBe("CONFLICT");
    const dupPrice = await call("POST", "plans", { body: { ...base, slug: "zapp-price2", stripePriceId: "price_123" } });
    expect(dupPrice.status).toBe(409);
    expect(dupPrice.json.error.message).toContain("Stripe price");
  });

  it("answers 400 with issues for an invalid body", async () => {
    const body = { product: "zapp", slug: "zapp-bad", name: "", maxMachines: 0, entitlements: ["no spaces"], heartbeatSeconds: 5, offlineGraceDays: 366 };
    const res = await call("POST", "plans", { body });
    expect(res.status).toBe(400);
    const paths = res.json.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "maxMachines", "entitlements.0", "heartbeatSeconds", "offlineGraceDays"]));
  });

  it("demands no field the console treats as optional: the rest take the data model's defaults", async () => {
    const res = await call("POST", "plans", { body: { product: "zapp", slug: "zapp-minimal", name: "Minimal", maxMachines: 2 } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      slug: "zapp-minimal",
      durationDays: null,
      entitlements: [],
      floating: false,
      heartbeatSeconds: 600,
      offlineGraceDays: 7,
      stripePriceId: null,
      description: null,
      priceCents: null,
      currency: "usd",
      billingInterval: null,
      sortOrder: 0,
      lemonSqueezyVariantId: null,
    });
    const full = await call("POST", "plans", {
      body: { product: "zapp", slug: "zapp-full", name: "Full", maxMachines: 2, description: "All of it", priceCents: 4900, currency: "EUR", billingInterval: "year", sortOrder: 3, lemonSqueezyVariantId: 123456 },
    });
    expect(full.status).toBe(201);
    const stored = await prisma().plan.findUniqueOrThrow({ where: { slug: "zapp-full" } });
    expect(stored).toMatchObject({ description: "All of it", priceCents: 4900, currency: "eur", billingInterval: "year", sortOrder: 3, lemonSqueezyVariantId: 123456 });
  });

  it.each([{ maxMachines: 10_001 }, { durationDays: 36_501 }, { durationDays: 1.5 }, { entitlements: Array(101).fill("x") }, { entitlements: ["e".repeat(65)] }, { heartbeatSeconds: 2 ** 31 }])(
    "answers 400 for out-of-range %j",
    async (patch) => {
      const res = await call("POST", "plans", { body: { ...base, slug: "zapp-range", ...patch } });
      expect(res.status).toBe(400);
    },
  );
});

describe("PATCH /plans/{slug}", () => {
  const create = async (slug: string, extra: Record<string, unknown> = {}) => {
    const res = await call("POST", "plans", { body: { product: "zapp", slug, name: "Patched", maxMachines: 2, durationDays: 30, entitlements: ["a"], ...extra } });
    expect(res.status).toBe(201);
    return res.json;
  };

  it("changes only the fields given, answers with the plan, and audits only what changed", async () => {
    const plan = await create("zapp-patch", { heartbeatSeconds: 120, offlineGraceDays: 3 });
    const res = await call("PATCH", "plans/zapp-patch", { body: { reminderDays: 14, unknown: "ignored" } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ...plan, reminderDays: 14 });
    const [row] = await sql("SELECT reminder_days, heartbeat_seconds, offline_grace_days, duration_days, entitlements FROM plans WHERE id = $1", [plan.id]);
    expect(row).toEqual({ reminder_days: 14, heartbeat_seconds: 120, offline_grace_days: 3, duration_days: 30, entitlements: ["a"] });
    const audit = await auditFor("plan.update", plan.id);
    expect(audit.map((a) => a.data)).toEqual([{ changes: { reminderDays: { from: 7, to: 14 } } }]);
    expect(audit[0].actor_type).toBe("env_token");

    // The same change again is a no-op: 200, nothing audited. Several fields at once, 0 turning reminders off.
    expect((await call("PATCH", "plans/zapp-patch", { body: { reminderDays: 14 } })).status).toBe(200);
    expect(await auditFor("plan.update", plan.id)).toHaveLength(1);
    const more = await call("PATCH", "plans/zapp-patch", { body: { reminderDays: 0, maxMachines: 5, durationDays: null } });
    expect(more.json).toMatchObject({ reminderDays: 0, maxMachines: 5, durationDays: null, heartbeatSeconds: 120 });
  });

  it("refuses a bad value or an empty change with 400, and changes nothing", async () => {
    const plan = await create("zapp-patch-bad");
    for (const body of [{ reminderDays: -1 }, { reminderDays: 366 }, { reminderDays: 1.5 }, { reminderDays: "14" }, { reminderDays: null }, { maxMachines: 0 }]) {
      const res = await call("PATCH", "plans/zapp-patch-bad", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toEqual(Object.keys(body));
    }
    for (const body of [{}, { unknown: 1 }, { slug: "renamed", product: "other" }]) {
      const res = await call("PATCH", "plans/zapp-patch-bad", { body });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/^Nothing to change: give any of name, .*reminderDays/);
    }
    expect((await call("PATCH", "plans/zapp-patch-bad", { raw: "{not json" })).status).toBe(400);
    const [row] = await sql("SELECT reminder_days, max_machines, slug FROM plans WHERE id = $1", [plan.id]);
    expect(row).toEqual({ reminder_days: 7, max_machines: 2, slug: "zapp-patch-bad" });
    expect(await auditFor("plan.update", plan.id)).toHaveLength(0);
  });

  it("answers 404 for a plan that does not exist and 409 for a Stripe price another plan sells", async () => {
    for (const path of ["plans/no-such-plan", "plans/Zapp-Pro", "plans/%E0%A4%A"]) {
      const res = await call("PATCH", path, { body: { reminderDays: 3 } });
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe("NOT_FOUND");
    }
    await create("zapp-priced", { stripePriceId: "price_patch_taken" });
    await create("zapp-patch-price");
    const res = await call("PATCH", "plans/zapp-patch-price", { body: { stripePriceId: "price_patch_taken" } });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('Stripe price "price_patch_taken"');
  });
});

describe("POST /licenses", () => {
  it("issues a key once, stores it only hashed and encrypted, and sets expiry from the plan", async () => {
    const before = Date.now();
    const res = await call("POST", "licenses", { body: { plan: "zapp-pro", email: "  Ada@Example.COM " } });
    expect(res.status).toBe(201);
    const { id, key, license } = res.json;
    expect(key).toMatch(KEY_PATTERN);
    expect(license).toMatchObject({ id, product: "zapp", plan: "zapp-pro", status: "ACTIVE", maxMachines: 2, activeMachines: 0, floating: false, entitlements: ["sync", "export"], offlineGraceDays: 7 });
    const expires = Date.parse(license.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 365 * DAY_MS);
    expect(expires).toBeLessThanOrEqual(Date.now() + 365 * DAY_MS);

    const [row] = await sql("SELECT l.*, row_to_json(l)::text AS everything FROM licenses l WHERE id = $1", [id]);
    const compact = key.replaceAll("-", "");
    for (const value of [row.key_ciphertext, row.key_hash, row.everything]) {
      expect(value).not.toContain(key);
      expect(value).not.toContain(compact);
    }
    expect(row.key_hint).toBe(key.slice(-5));
    expect(row.max_machines).toBeNull();

    const [user] = await sql("SELECT email, role FROM users WHERE id = $1", [row.user_id]);
    expect(user).toEqual({ email: "ada@example.com", role: "CUSTOMER" });

    const audits = await auditFor("license.create", id);
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits[0].data)).not.toContain(key);
    expect(JSON.stringify(audits[0].data)).not.toContain(key.slice(3, 17));
    expect(audits[0]).toMatchObject({ actor_type: "env_token", ip: "203.0.113.7", data: { plan: "zapp-pro", email: "ada@example.com" } });
  });

  it("reuses the customer for the same email in any casing", async () => {
    const a = await issue({ plan: "zapp-lite", email: "reuse@example.com" });
    const b = await issue({ plan: "zapp-lite", email: "REUSE@example.com" });
    const rows = await sql("SELECT DISTINCT user_id FROM licenses WHERE id = ANY($1::uuid[])", [[a.json.id, b.json.id]]);
    expect(rows).toHaveLength(1);
    expect(a.json.key).not.toBe(b.json.key);
  });

  it("issues 10 licenses at once for one new email: all succeed, with one customer", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => issue({ plan: "zapp-lite", email: "burst@example.com" })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(await sql("SELECT id FROM users WHERE lower(email) = 'burst@example.com'")).toHaveLength(1);
    const licenses = await sql("SELECT DISTINCT user_id FROM licenses WHERE id = ANY($1::uuid[])", [results.map((r) => r.json.id)]);
    expect(licenses).toHaveLength(1);
  });

  it("takes an explicit expiry (or null: perpetual) and seat override", async () => {
    const at = "2031-05-06T07:08:09.000Z";
    const custom = await issue({ plan: "zapp-pro", email: "custom@example.com", expiresAt: "2031-05-06T09:08:09+02:00", maxMachines: 9 });
    expect(custom.json.license).toMatchObject({ expiresAt: at, maxMachines: 9 });
    const perpetual = await issue({ plan: "zapp-pro", email: "custom@example.com", expiresAt: null });
    expect(perpetual.json.license.expiresAt).toBeNull();
  });

  it("answers 400 for an unknown plan and writes nothing", async () => {
    const before = await rowCounts();
    const res = await call("POST", "licenses", { body: { plan: "ghost", email: "ghost@example.com" } });
    expect(res.status).toBe(400);
    expect(await rowCounts()).toEqual(before);
  });

  it.each([{ plan: "zapp-pro", email: "not-an-email" }, { plan: "zapp-pro" }, { plan: "zapp-pro", email: "a@b.co", expiresAt: "2030-01-01" }, { plan: "zapp-pro", email: "a@b.co", maxMachines: 0 }])(
    "answers 400 for %j",
    async (body) => {
      expect((await call("POST", "licenses", { body })).status).toBe(400);
    },
  );
});

describe("POST /licenses with an Idempotency-Key", () => {
  const withKey = (key: string, body: Record<string, unknown>, token?: string) =>
    call("POST", "licenses", { body, token, headers: { "idempotency-key": key } });
  const licensesOf = (email: string) => sql("SELECT l.id FROM licenses l JOIN users u ON u.id = l.user_id WHERE u.email = $1", [email]);

  it("answers a retry with the license the first request created, its key, and one audit entry", async () => {
    const body = { plan: "zapp-pro", email: "retry@example.com" };
    const first = await withKey("order-1001", body);
    const again = await withKey("order-1001", body);
    expect(first.status).toBe(201);
    expect(first.headers["Idempotent-Replayed"]).toBeUndefined();
    expect(again.status).toBe(201);
    expect(again.headers["Idempotent-Replayed"]).toBe("true");
    expect(again.json).toEqual(first.json);
    expect(first.json.key).toMatch(KEY_PATTERN);
    expect(await licensesOf("retry@example.com")).toHaveLength(1);
    expect(await auditFor("license.create", first.json.id)).toHaveLength(1);
  });

  it("issues one license for 10 identical requests sent at once", async () => {
    const body = { plan: "zapp-lite", email: "at-once@example.com" };
    const results = await Promise.all(Array.from({ length: 10 }, () => withKey("batch-7", body)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.json.key)).size).toBe(1);
    expect(results.filter((r) => r.headers["Idempotent-Replayed"] === "true")).toHaveLength(9);
    expect(await licensesOf("at-once@example.com")).toHaveLength(1);
  });

  it("refuses the key with another body (409) and issues nothing", async () => {
    await withKey("order-2002", { plan: "zapp-pro", email: "first@example.com" });
    const before = await rowCounts();
    const other = await withKey("order-2002", { plan: "zapp-pro", email: "second@example.com" });
    expect(other.status).toBe(409);
    expect(other.json.error).toEqual({ code: "CONFLICT", message: "This Idempotency-Key was already used for a different request" });
    expect(await rowCounts()).toEqual(before);
  });

  it("keeps keys per caller: another token's same key issues its own license", async () => {
    const { token, hash, hint } = createApiToken();
    await sql("INSERT INTO api_tokens (name, token_hash, hint) VALUES ('Shop', $1, $2)", [hash, hint]);
    const body = { plan: "zapp-lite", email: "two-callers@example.com" };
    const a = await withKey("same-key", body);
    const b = await withKey("same-key", body, token);
    expect(b.headers["Idempotent-Replayed"]).toBeUndefined();
    expect(b.json.id).not.toBe(a.json.id);
  });

  it("forgets a key after 24 hours", async () => {
    const body = { plan: "zapp-lite", email: "next-day@example.com" };
    const first = await withKey("daily-run", body);
    await sql("UPDATE admin_idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'daily-run'");
    const later = await withKey("daily-run", body);
    expect(later.json.id).not.toBe(first.json.id);
    expect(await licensesOf("next-day@example.com")).toHaveLength(2);
  });

  it("answers 400 for a key that is empty, too long or not visible ASCII, and issues nothing", async () => {
    const before = await rowCounts();
    for (const key of ["", "x".repeat(256), "caf\u00e9", "two words"]) {
      const res = await withKey(key, { plan: "zapp-lite", email: "bad-key@example.com" });
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(res.json.error.message).toBe("Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("issues a new license for each request without a key, as before", async () => {
    const body = { plan: "zapp-lite", email: "no-key@example.com" };
    await issue(body);
    await issue(body);
    expect(await licensesOf("no-key@example.com")).toHaveLength(2);
  });
});

describe("GET /licenses", () => {
  const ids: Record<string, string> = {};
  const keys: string[] = [];
  beforeAll(async () => {
    const make = async (name: string, body: Record<string, unknown>) => {
      const res = await issue(body);
      ids[name] = res.json.id;
      keys.push(res.json.key);
    };
    await make("current", { plan: "zapp-lite", email: "list@example.com" });
    await make("expired", { plan: "zapp-lite", email: "list@example.com", expiresAt: "2020-01-01T00:00:00Z" });
    await make("suspended", { plan: "zapp-team", email: "list@example.com" });
    await make("other", { plan: "zapp-lite", email: "someone-else@example.com" });
    await sql("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [ids.suspended]);
  });

  const list = async (query: string) => {
    const res = await call("GET", "licenses", { query });
    expect(res.status, res.text).toBe(200);
    return res;
  };

  it("filters by email, newest first, with list items and no full keys", async () => {
    const res = await list("email=LIST@example.com");
    expect(res.json.data.map((l: { id: string }) => l.id)).toEqual([ids.suspended, ids.expired, ids.current]);
    expect(res.json.total).toBe(3);
    expect(res.json.data[2]).toEqual({
      id: ids.current,
      email: "list@example.com",
      product: "zapp",
      plan: "zapp-lite",
      status: "ACTIVE",
      expiresAt: expect.any(String),
      keyHint: keys[0]!.slice(-5),
      maxMachines: 1,
      activeMachines: 0,
      createdAt: expect.any(String),
      trial: false,
      trialEndsAt: null,
    });
    for (const key of keys) expect(res.text).not.toContain(key);
  });

  it("filters by plan", async () => {
    const res = await list("plan=zapp-team&email=list@example.com");
    expect(res.json.data.map((l: { id: string }) => l.id)).toEqual([ids.suspended]);
  });

  it("filters by effective status: a lapsed ACTIVE license is EXPIRED", async () => {
    const active = await list("email=list@example.com&status=ACTIVE");
    expect(active.json.data.map((l: { id: string }) => l.id)).toEqual([ids.current]);
    const expired = await list("email=list@example.com&status=EXPIRED");
    expect(expired.json.data.map((l: { id: string }) => l.id)).toEqual([ids.expired]);
    expect(expired.json.data[0].status).toBe("EXPIRED");
    const suspended = await list("email=list@example.com&status=SUSPENDED");
    expect(suspended.json.data.map((l: { id: string }) => l.id)).toEqual([ids.suspended]);
  });

  it("treats empty parameters as absent and pages with limit and offset", async () => {
    const all = await list("email=&status=&plan=");
    expect(all.json.total).toBeGreaterThanOrEqual(4);
    const page = await list("email=list@example.com&limit=1&offset=1");
    expect(page.json.data.map((l: { id: string }) => l.id)).toEqual([ids.expired]);
    expect(page.json.total).toBe(3);
  });

  it.each(["status=active", "status=BOGUS", "limit=0", "limit=501", "limit=abc", "offset=-1", "email=nope"])(
    "answers 400 for %s",
    async (query) => {
      const res = await call("GET", "licenses", { query });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("BAD_REQUEST");
    },
  );
});

describe("trial licenses in the admin API", () => {
  it("shows a free trial as trial: true with its end, in the list and the detail; converting it clears both", async () => {
    const plan = await call("POST", "plans", { body: { product: "zapp", slug: "zapp-trial-view", name: "Trial view", maxMachines: 1, durationDays: 365, entitlements: [], trialDays: 14 } });
    expect(plan.status, plan.text).toBe(201);
    const user = await prisma().user.create({ data: { email: "trial-view@example.com" } });
    const started = await startTrial(user, "zapp-trial-view");
    const trialEndsAt = started.expiresAt.toISOString();

    const list = await call("GET", "licenses", { query: "email=trial-view@example.com" });
    expect(list.status).toBe(200);
    expect(list.json.data).toEqual([expect.objectContaining({ id: started.licenseId, trial: true, trialEndsAt, expiresAt: trialEndsAt })]);
    const detail = await call("GET", `licenses/${started.licenseId}`);
    expect(detail.status).toBe(200);
    expect(detail.json.license).toMatchObject({ trial: true, trialEndsAt });

    // Bought: the same license stops being a trial (lib/payments/upgrades.ts stores it so).
    await sql("UPDATE licenses SET trial = false WHERE id = $1", [started.licenseId]);
    const bought = await call("GET", `licenses/${started.licenseId}`);
    expect(bought.json.license).toMatchObject({ trial: false, trialEndsAt: null, expiresAt: trialEndsAt });
  });
});

describe("GET /licenses/{id}", () => {
  it("shows the license with all its machines, counting only seat holders", async () => {
    const { id } = (await issue({ plan: "zapp-team", email: "machines@example.com" })).json;
    const hour = 3_600_000;
    const live = await insertMachine(id, { fingerprint: "live", deadline: new Date(Date.now() + hour) });
    await insertMachine(id, { fingerprint: "dead", deadline: new Date(Date.now() - hour) });
    const gone = await insertMachine(id, { fingerprint: "gone", deactivatedAt: new Date("2030-01-01T00:00:00Z") });

    const res = await call("GET", `licenses/${id}`);
    expect(res.status).toBe(200);
    expect(res.json.license).toMatchObject({ id, plan: "zapp-team", maxMachines: 3, activeMachines: 1, expiresAt: null });
    expect(res.json.machines).toHaveLength(3);
    const byFp = Object.fromEntries(res.json.machines.map((m: { fingerprint: string }) => [m.fingerprint, m]));
    expect(byFp.live).toEqual({
      id: live,
      fingerprint: "live",
      name: "Box live",
      platform: "linux-x64",
      activatedAt: expect.any(String),
      lastSeenAt: expect.any(String),
      heartbeatDeadline: expect.any(String),
      deactivatedAt: null,
    });
    expect(byFp.gone).toMatchObject({ id: gone, deactivatedAt: "2030-01-01T00:00:00.000Z" });
  });

  it.each([randomUUID(), "not-a-uuid", "1"])("answers 404 for %s", async (id) => {
    const res = await call("GET", `licenses/${id}`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("NOT_FOUND");
  });
});

describe("PATCH /licenses/{id}", () => {
  let id = "";
  beforeAll(async () => {
    id = (await issue({ plan: "zapp-pro", email: "patch@example.com" })).json.id;
  });
  const patch = (body: unknown, ip?: string) => call("PATCH", `licenses/${id}`, { body, ip });

  it("changes the status, records why, and audits actor, ip and the change", async () => {
    const res = await patch({ status: "SUSPENDED" }, "192.0.2.55");
    expect(res.status).toBe(200);
    expect(res.json.license).toMatchObject({ id, status: "SUSPENDED" });
    expect(res.json.machines).toEqual([]);
    const [row] = await sql("SELECT status, status_reason FROM licenses WHERE id = $1", [id]);
    expect(row).toEqual({ status: "SUSPENDED", status_reason: "admin" });
    const audits = await auditFor("license.update", id);
    expect(audits.at(-1)).toMatchObject({
      actor_type: "env_token",
      ip: "192.0.2.55",
      target_type: "license",
      data: { changes: { status: { from: "ACTIVE", to: "SUSPENDED" } } },
    });
    expect((await patch({ status: "ACTIVE" })).json.license.status).toBe("ACTIVE");
    expect((await sql("SELECT status_reason FROM licenses WHERE id = $1", [id]))[0].status_reason).toBeNull();
  });

  it("sets and clears the seat override", async () => {
    expect((await patch({ maxMachines: 5 })).json.license.maxMachines).toBe(5);
    expect((await sql("SELECT max_machines FROM licenses WHERE id = $1", [id]))[0].max_machines).toBe(5);
    expect((await patch({ maxMachines: null })).json.license.maxMachines).toBe(2);
    const audits = await auditFor("license.update", id);
    expect(audits.at(-1).data).toEqual({ changes: { maxMachines: { from: 5, to: null } } });
  });

  it("moves the license to another plan by slug", async () => {
    const res = await patch({ plan: "zapp-team" });
    expect(res.json.license).toMatchObject({ plan: "zapp-team", maxMachines: 3 });
    expect((await auditFor("license.update", id)).at(-1).data).toEqual({ changes: { plan: { from: "zapp-pro", to: "zapp-team" } } });
    await patch({ plan: "zapp-pro" });
  });

  it("changes the expiry; a past one reads EXPIRED", async () => {
    expect((await patch({ expiresAt: "2020-02-02T00:00:00Z" })).json.license).toMatchObject({ expiresAt: "2020-02-02T00:00:00.000Z", status: "EXPIRED" });
    expect((await patch({ expiresAt: null })).json.license).toMatchObject({ expiresAt: null, status: "ACTIVE" });
  });

  it("does not write or audit a change to the current values", async () => {
    const before = (await auditFor("license.update", id)).length;
    expect((await patch({ status: "ACTIVE", maxMachines: null })).status).toBe(200);
    expect(await auditFor("license.update", id)).toHaveLength(before);
  });

  it.each([
    [{}, "Nothing to change"],
    [{ unknown: 1 }, "Nothing to change"],
    [{ status: "EXPIRED" }, "Invalid request body"],
    [{ maxMachines: 0 }, "Invalid request body"],
    [{ plan: "ghost" }, "ghost"],
  ])("answers 400 for %j and changes nothing", async (body, message) => {
    const before = await sql("SELECT * FROM licenses WHERE id = $1", [id]);
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(message);
    expect(await sql("SELECT * FROM licenses WHERE id = $1", [id])).toEqual(before);
  });

  it("answers 404 for an unknown license", async () => {
    expect((await call("PATCH", `licenses/${randomUUID()}`, { body: { status: "REVOKED" } })).status).toBe(404);
  });
});

describe("DELETE /licenses/{id}/machines/{machineId}", () => {
  it("deactivates the machine, frees its seat, audits, and answers 404 on repeat", async () => {
    const { id } = (await issue({ plan: "zapp-pro", email: "delete@example.com" })).json;
    const machineId = await insertMachine(id, { fingerprint: "to-free" });
    expect((await call("GET", `licenses/${id}`)).json.license.activeMachines).toBe(1);

    const res = await call("DELETE", `licenses/${id}/machines/${machineId}`, { ip: "192.0.2.9" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ deactivated: true, machine: { id: machineId, fingerprint: "to-free", deactivatedAt: expect.any(String) } });
    const [row] = await sql("SELECT deactivated_at FROM machines WHERE id = $1", [machineId]);
    expect(row.deactivated_at).toBeInstanceOf(Date);
    expect((await call("GET", `licenses/${id}`)).json.license.activeMachines).toBe(0);
    const [audit] = await auditFor("machine.deactivate", machineId);
    expect(audit).toMatchObject({ actor_type: "env_token", ip: "192.0.2.9", data: { licenseId: id, fingerprint: "to-free" } });

    const again = await call("DELETE", `licenses/${id}/machines/${machineId}`);
    expect(again.status).toBe(404);
    expect(await auditFor("machine.deactivate", machineId)).toHaveLength(1);
  });

  it("answers 404 for a machine of another license, an unknown license or malformed ids", async () => {
    const a = (await issue({ plan: "zapp-pro", email: "delete@example.com" })).json.id;
    const b = (await issue({ plan: "zapp-pro", email: "delete@example.com" })).json.id;
    const machineOfB = await insertMachine(b, { fingerprint: "bs" });
    for (const path of [`licenses/${a}/machines/${machineOfB}`, `licenses/${randomUUID()}/machines/${machineOfB}`, `licenses/x/machines/y`]) {
      expect((await call("DELETE", path)).status, path).toBe(404);
    }
    expect((await sql("SELECT deactivated_at FROM machines WHERE id = $1", [machineOfB]))[0].deactivated_at).toBeNull();
  });
});

describe("the Next route", () => {
  // Imported lazily so the rest of the file does not depend on the shared adapter.
  const route = () => import("@/app/api/v1/admin/[...path]/route");
  const url = "http://portal.test/api/v1/admin/licenses";

  it("converts Web requests and responses, token and all", async () => {
    const { GET } = await route();
    expect((await GET(new Request(url))).status).toBe(401);
    const res = await GET(new Request(`${url}?email=list@example.com`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect((await res.json()).data).toEqual(expect.any(Array));
  });

  it("refuses an oversized body without a 5xx", async () => {
    const { POST } = await route();
    const body = JSON.stringify({ plan: "zapp-pro", email: "big@example.com", pad: "x".repeat(20_000) });
    const res = await POST(new Request(url, { method: "POST", body, headers: { authorization: `Bearer ${TOKEN}` } }));
    expect([400, 413]).toContain(res.status);
    expect(await sql("SELECT 1 FROM users WHERE email = 'big@example.com'")).toHaveLength(0);
  });
});
