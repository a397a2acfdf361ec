// Moving licenses in and out through the admin API against a real database: a key of any
// format issued by hand or imported in bulk (idempotent by key, with machines), used
// through both license APIs, and exports that give back the same licenses when re-imported.
import { activateLicense, validateLicense } from "@lemonsqueezy/lemonsqueezy.js";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { handleAdminApi } from "../admin-api/handlers";
import { handleLemonSqueezyApi } from "../compat/lemonsqueezy/handler";
import { db, prisma } from "../db/client";
import type { ApiRequest } from "../http/types";
import { call as clientCall } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { csvToImportItems } from "./csv-import";

setupTestDatabase();
process.env.ADMIN_API_TOKEN = "transfer-token";
process.env.RATE_LIMIT_PER_MINUTE = "0";

type Result = { status: number; headers: Record<string, string>; json: any; text: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function admin(method: string, path: string, body?: unknown, query = ""): Promise<Result> {
  const req: ApiRequest = {
    method,
    path: `/api/v1/admin/${path}`,
    query: new URLSearchParams(query),
    host: "portal.test",
    ip: "203.0.113.9",
    headers: { "content-type": "application/json", authorization: "Bearer transfer-token" },
    body: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
  };
  const res = await handleAdminApi(req);
  const text = res.body.toString("utf8");
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV
  }
  return { status: res.status, headers: res.headers, json, text };
}

const count = async (table: string) => Number((await db().query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

beforeAll(async () => {
  expect((await admin("POST", "products", { slug: "app", name: "App", lemonSqueezyStoreId: 11, lemonSqueezyProductId: 22 })).status).toBe(201);
  expect((await admin("POST", "plans", { product: "app", slug: "app-pro", name: "Pro", maxMachines: 3, durationDays: 365 })).status).toBe(201);
  expect((await admin("POST", "plans", { product: "app", slug: "app-team", name: "Team", maxMachines: 5, floating: true, lemonSqueezyVariantId: 33 })).status).toBe(201);
  // The SDK calls Lemon Squeezy's host: answer it in-process with the portal's handler.
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    const res = await handleLemonSqueezyApi({
      method: "POST",
      path: new URL(url).pathname,
      query: new URLSearchParams(),
      host: "api.lemonsqueezy.com",
      ip: "198.51.100.1",
      headers: { "content-type": "application/vnd.api+json" },
      body: Buffer.from(String(init.body)),
    });
    return new Response(new Uint8Array(res.body), { status: res.status, headers: res.headers });
  });
});

describe("POST /licenses with a key from another system", () => {
  it("stores it as given and matches it like an issued key; the same key again is 409", async () => {
    const key = "legacy-Key_0001/abc";
    const res = await admin("POST", "licenses", { plan: "app-pro", email: "Old@Example.com", key, createdAt: "2020-05-01T10:00:00+02:00" });
    expect(res.status).toBe(201);
    expect(res.json.key).toBe(key);
    const row = await prisma().license.findUniqueOrThrow({ where: { id: res.json.id } });
    expect(row.createdAt.toISOString()).toBe("2020-05-01T08:00:00.000Z");
    // The plan's term counts from when the license was sold, not from the import.
    expect(row.expiresAt!.toISOString()).toBe("2021-05-01T08:00:00.000Z");
    expect(row.keyCiphertext).not.toContain(key);

    const audit = await prisma().auditLog.findFirstOrThrow({ where: { targetId: res.json.id } });
    expect(audit.action).toBe("license.import");
    expect(JSON.stringify(audit.data)).not.toContain(key);

    for (const variant of [`  ${key.toUpperCase()}\t`, key.toLowerCase()]) {
      const again = await admin("POST", "licenses", { plan: "app-pro", email: "someone@example.com", key: variant });
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe("CONFLICT");
    }
    const perpetual = await admin("POST", "licenses", { plan: "app-team", email: "old@example.com", key: "ANOTHER-OLD-KEY", expiresAt: null });
    expect(perpetual.status).toBe(201);
    const validated = await clientCall("/api/v1/licenses/validate", { key: " another-old-key " });
    expect(validated.json).toMatchObject({ valid: true, code: "VALID", license: { plan: "app-team", expiresAt: null } });
  });

  it.each([["short77"], ["x".repeat(257)], ["ключ-из-кириллицы"], ["tab\tinside-key"], [""]])("refuses the key %j with 400", async (key) => {
    const before = await count("licenses");
    const res = await admin("POST", "licenses", { plan: "app-pro", email: "k@example.com", key });
    expect(res.status).toBe(400);
    expect(await count("licenses")).toBe(before);
  });
});

describe("POST /licenses/import", () => {
  const items = [
    { plan: "app-pro", email: "ann@example.com", name: "Ann", key: "38b1460a-5104-4067-a91d-77b872934d51", createdAt: "2021-01-24T14:15:07Z", expiresAt: "2099-01-01T00:00:00Z", machines: [{ fingerprint: "f90ec370-fd83-46a5-8bbd-44a241e78665", name: "Ann's Mac" }] },
    { plan: "no-such-plan", email: "bob@example.com", key: "BOB-KEY-0000-0001" },
    { plan: "app-pro", email: "not an email", key: "CAROL-KEY-0001" },
    { plan: "app-team", email: "dan@example.com", key: "dan-key-000000001", status: "SUSPENDED", maxMachines: 2, machines: [{ fingerprint: "a" }, { fingerprint: "b" }] },
    { plan: "app-pro", email: "eve@example.com", key: "EVE-KEY-000000001", maxMachines: 1, machines: [{ fingerprint: "a" }, { fingerprint: "b" }] },
  ];

  it("creates what it can in one go, says why not for the rest, and changes nothing when run again", async () => {
    const first = await admin("POST", "licenses/import", { licenses: items });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      created: 2,
      unchanged: 0,
      errors: [
        { index: 1, message: 'plan: unknown plan "no-such-plan"' },
        { index: 2, message: expect.stringMatching(/^email: /) },
        { index: 4, message: "machines: 2 machines but only 1 seat" },
      ],
    });
    const footprint = async () => ({
      licenses: await count("licenses"),
      machines: await count("machines"),
      users: await count("users"),
      audit: await count("audit_logs"),
      events: await count("webhook_events"),
      outbox: await count("job_outbox"),
    });
    const counts = await footprint();
    const imported = await prisma().auditLog.count({ where: { action: "license.import" } });
    // Each created license told the vendor's systems, with its machines, as an issued one does.
    const created = await db().query(`SELECT payload FROM webhook_events WHERE type = 'license.created' AND payload->'data'->'license'->>'email' <> 'old@example.com' ORDER BY payload->'data'->'license'->>'email'`);
    expect(created.rows.map((r) => [r.payload.data.license.email, r.payload.data.license.status, r.payload.data.license.activeMachines])).toEqual([
      ["ann@example.com", "ACTIVE", 1],
      ["dan@example.com", "SUSPENDED", 2],
    ]);

    const again = await admin("POST", "licenses/import", { licenses: items });
    expect(again.json).toEqual({ ...first.json, created: 0, unchanged: 2 });
    expect(await footprint()).toEqual(counts);
    expect(await prisma().auditLog.count({ where: { action: "license.import" } })).toBe(imported);

    const ann = await prisma().license.findFirstOrThrow({ where: { user: { email: "ann@example.com" } }, include: { user: true, machines: true } });
    expect(ann.user.name).toBe("Ann");
    expect(ann.createdAt.toISOString()).toBe("2021-01-24T14:15:07.000Z");
    expect(ann.machines.map((m) => m.fingerprint)).toEqual(["f90ec370-fd83-46a5-8bbd-44a241e78665"]);
    const dan = await prisma().license.findFirstOrThrow({ where: { user: { email: "dan@example.com" } } });
    expect(dan.status).toBe("SUSPENDED");
  });

  it("keeps the application's Lemon Squeezy instance working: the imported machine is that instance", async () => {
    const key = "38b1460a-5104-4067-a91d-77b872934d51";
    const res = await validateLicense(key, "f90ec370-fd83-46a5-8bbd-44a241e78665");
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({
      valid: true,
      license_key: { key, status: "active", activation_limit: 3, activation_usage: 1, created_at: "2021-01-24T14:15:07.000000Z" },
      instance: { id: "f90ec370-fd83-46a5-8bbd-44a241e78665", name: "Ann's Mac" },
      meta: { store_id: 11, product_id: 22, product_name: "App", variant_name: "Pro", customer_name: "Ann", customer_email: "ann@example.com" },
    });
    expect((await activateLicense(key.toUpperCase(), "Ann's PC")).data).toMatchObject({ activated: true, license_key: { activation_usage: 2 } });
    // The native API sees the same machines.
    const native = await clientCall("/api/v1/licenses/validate", { key, fingerprint: "f90ec370-fd83-46a5-8bbd-44a241e78665" });
    expect(native.json).toMatchObject({ valid: true, license: { activeMachines: 2 } });
    // A suspended import is disabled there.
    expect((await validateLicense("dan-key-000000001")).data).toMatchObject({ valid: false, license_key: { status: "disabled" }, meta: { variant_id: 33 } });
  });

  it("refuses more than 1,000 licenses and a body that is not a list, with 400", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ plan: "app-pro", email: "x@example.com", key: `KEY-${i}-PADDING` }));
    expect((await admin("POST", "licenses/import", { licenses: many })).status).toBe(400);
    expect((await admin("POST", "licenses/import", { licenses: "all" })).status).toBe(400);
    expect((await admin("POST", "licenses/import", [])).status).toBe(400);
  });

  it("imports 1,000 licenses in one call", async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ plan: "app-team", email: `bulk-${i % 50}@example.com`, key: `BULK-${String(i).padStart(6, "0")}-KEY`, machines: [{ fingerprint: `m-${i}` }] }));
    const before = await count("licenses");
    const res = await admin("POST", "licenses/import", { licenses: batch });
    expect(res.json).toEqual({ created: 1000, unchanged: 0, errors: [] });
    expect(await count("licenses")).toBe(before + 1000);
    expect((await admin("POST", "licenses/import", { licenses: batch })).json).toEqual({ created: 0, unchanged: 1000, errors: [] });
  }, 120_000);
});

/** What makes two licenses the same: everything the import takes. */
const essence = (records: { plan: string; email: string; key?: string; status: string; expiresAt: string | null; maxMachines: number | null; createdAt: string; machines: unknown[] }[]) =>
  records
    .map(({ plan, email, key, status, expiresAt, maxMachines, createdAt, machines }) => ({ plan, email, key, status, expiresAt, maxMachines, createdAt, machines }))
    .sort((a, b) => a.key!.localeCompare(b.key!));

/** An import in calls of at most 1,000 licenses, as API.md allows; the summed answer. */
async function importAll(licenses: unknown[]) {
  const total = { created: 0, unchanged: 0, errors: [] as unknown[] };
  for (let i = 0; i < licenses.length; i += 1000) {
    const res = await admin("POST", "licenses/import", { licenses: licenses.slice(i, i + 1000) });
    expect(res.status).toBe(200);
    total.created += res.json.created;
    total.unchanged += res.json.unchanged;
    total.errors.push(...res.json.errors);
  }
  return total;
}

async function emptyPortal() {
  await db().query("DELETE FROM machines; DELETE FROM admin_idempotency_keys; DELETE FROM licenses; DELETE FROM users");
}

describe("exports", () => {
  it("leave keys out unless asked, and audit every export", async () => {
    const plain = await admin("GET", "export/licenses");
    expect(plain.status).toBe(200);
    expect(plain.headers["Content-Disposition"]).toMatch(/^attachment; filename="licenses-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(plain.text).not.toContain("38b1460a-5104-4067-a91d-77b872934d51");
    expect(plain.json.licenses[0]).not.toHaveProperty("key");
    const withKeys = await admin("GET", "export/licenses", undefined, "keys=true");
    expect(withKeys.text).toContain("38b1460a-5104-4067-a91d-77b872934d51");
    const audits = await prisma().auditLog.findMany({ where: { action: "export.licenses" }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.data)).toEqual([
      { format: "json", keys: false, count: plain.json.licenses.length },
      { format: "json", keys: true, count: plain.json.licenses.length },
    ]);
    const csv = await admin("GET", "export/machines", undefined, "format=csv");
    expect(csv.headers["Content-Type"]).toBe("text/csv; charset=utf-8");
    expect(csv.text.split("\r\n")[0]).toBe("id,licenseId,keyHint,fingerprint,name,platform,hostname,activatedAt,lastSeenAt,heartbeatDeadline,deactivatedAt");
    const customers = await admin("GET", "export/customers");
    expect(customers.json.customers).toEqual(expect.arrayContaining([expect.objectContaining({ email: "ann@example.com", name: "Ann", licenses: 1 })]));
    expect((await admin("GET", "export/payments")).status).toBe(404);
    expect((await admin("GET", "export/licenses", undefined, "format=xml")).status).toBe(400);
  });

  it("JSON with keys, re-imported into an empty portal, gives the same licenses", async () => {
    // Licenses of every kind: issued here, imported, perpetual, with seats of their own, suspended, with machines.
    const issued = await admin("POST", "licenses", { plan: "app-pro", email: "native@example.com", maxMachines: 7 });
    await clientCall("/api/v1/licenses/activate", { key: issued.json.key, fingerprint: "native-machine", name: "Native" });
    await admin("PATCH", `licenses/${issued.json.id}`, { status: "REVOKED" });
    const exported = (await admin("GET", "export/licenses", undefined, "keys=true")).json;
    await emptyPortal();
    expect(await importAll(exported.licenses)).toEqual({ created: exported.licenses.length, unchanged: 0, errors: [] });
    const after = (await admin("GET", "export/licenses", undefined, "keys=true")).json;
    expect(essence(after.licenses)).toEqual(essence(exported.licenses));
    expect(essence(after.licenses).find((l) => l.key === issued.json.key)).toMatchObject({ status: "REVOKED", maxMachines: 7, machines: [{ fingerprint: "native-machine", name: "Native" }] });
    // And the keys work again.
    expect((await clientCall("/api/v1/licenses/validate", { key: "another-old-key" })).json.code).toBe("VALID");
  }, 120_000);

  it("CSV with keys, read back by the console's CSV import, gives the same licenses", async () => {
    const before = (await admin("GET", "export/licenses", undefined, "keys=true")).json;
    const csv = (await admin("GET", "export/licenses", undefined, "keys=true&format=csv")).text;
    await emptyPortal();
    expect(await importAll(csvToImportItems(csv))).toEqual({ created: before.licenses.length, unchanged: 0, errors: [] });
    const after = (await admin("GET", "export/licenses", undefined, "keys=true")).json;
    expect(essence(after.licenses)).toEqual(essence(before.licenses));
  }, 120_000);
});

describe("catalogue and customer lists", () => {
  it("lists products, plans of a product, and customers by exact email", async () => {
    const products = await admin("GET", "products");
    expect(products.json.data).toEqual([expect.objectContaining({ slug: "app", name: "App", lemonSqueezyStoreId: 11, lemonSqueezyProductId: 22 })]);
    const plans = await admin("GET", "plans", undefined, "product=app");
    expect(plans.json.data.map((p: { slug: string }) => p.slug)).toEqual(["app-pro", "app-team"]);
    expect((await admin("GET", "plans", undefined, "product=none")).json.data).toEqual([]);
    await admin("POST", "licenses", { plan: "app-pro", email: "a_b%c@example.com" });
    await admin("POST", "licenses", { plan: "app-pro", email: "axbyc@example.com" });
    const exact = await admin("GET", "customers", undefined, `email=${encodeURIComponent("A_B%C@Example.com")}`);
    expect(exact.json.data).toEqual([{ id: expect.any(String), number: expect.any(Number), email: "a_b%c@example.com", name: null, createdAt: expect.any(String), licenses: 1 }]);
    expect((await admin("GET", "customers", undefined, "email=a@example.com,b@example.com")).status).toBe(400);
  });
});
