/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies and SQL rows are JSON, checked field by field */
// The admin API's writes under concurrency, against a real database: the same
// request fired ten times at once (a retrying client, two scripts, a double
// click in a tool) must give exact answers (one 201 and the rest 409, never a
// 500), leave no duplicate rows, lose no update, and write one audit entry per
// change that really happened.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import type { ApiRequest } from "../http/types";
import { deletePlan } from "../admin/plans";
import { consoleAdmin } from "../admin/test-kit";
import type { ConsoleAdmin } from "../admin/guard";
import { setupTestDatabase } from "../test/database";
import { handleAdminApi } from "./handlers";

setupTestDatabase();
const TOKEN = "test-admin-token";
process.env.ADMIN_API_TOKEN = TOKEN;

const N = 10;
type Result = { status: number; json: any; text: string };

async function call(method: string, path: string, body?: unknown): Promise<Result> {
  const req: ApiRequest = {
    method,
    path: `/api/v1/admin/${path}`,
    query: new URLSearchParams(),
    host: "portal.test",
    ip: "203.0.113.7",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
  };
  const res = await handleAdminApi(req);
  const text = res.body.toString("utf8");
  return { status: res.status, json: JSON.parse(text), text };
}

async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db().query(text, values)).rows as T[];
}

const times = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
const statuses = (results: Result[]) => results.map((r) => r.status).sort();
const unique = () => randomBytes(4).toString("hex");

async function audit(action: string, targetId?: string): Promise<any[]> {
  return targetId === undefined
    ? sql("SELECT * FROM audit_logs WHERE action = $1 ORDER BY id", [action])
    : sql("SELECT * FROM audit_logs WHERE action = $1 AND target_id = $2 ORDER BY id", [action, targetId]);
}

/**
 * Every `license.update` entry that names `field`, in commit order, must continue
 * where the previous one ended: `from` is what the row held just before. A
 * change computed from a stale read (a lost update) breaks the chain.
 */
async function expectAuditChain(licenseId: string, field: string, initial: unknown, final: unknown) {
  const entries = (await audit("license.update", licenseId)).filter((e) => e.data.changes[field]);
  let current = initial;
  for (const entry of entries) {
    expect(entry.data.changes[field].from, `${field} chain`).toEqual(current);
    current = entry.data.changes[field].to;
  }
  expect(current, `${field}: the last audited value is the stored one`).toEqual(final);
  return entries;
}

async function issue(plan: string, email = `c-${unique()}@example.com`): Promise<string> {
  const res = await call("POST", "licenses", { plan, email });
  expect(res.status, res.text).toBe(201);
  return res.json.id;
}

async function addMachine(licenseId: string, fingerprint: string): Promise<string> {
  const [row] = await sql("INSERT INTO machines (license_id, fingerprint, name) VALUES ($1, $2, $3) RETURNING id", [licenseId, fingerprint, fingerprint]);
  return row.id;
}

/** Resolves once `n` sessions of this database wait on a lock: the interleaving a test arranges has happened. */
async function lockWaiters(n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [row] = await sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    if (row.n >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${n} sessions waiting on a lock`);
}

let admin: ConsoleAdmin;
beforeAll(async () => {
  admin = await consoleAdmin();
  expect((await call("POST", "products", { slug: "conc", name: "Conc" })).status).toBe(201);
  for (const [slug, maxMachines] of [
    ["conc-pro", 2],
    ["conc-max", 5],
  ] as const) {
    const res = await call("POST", "plans", { product: "conc", slug, name: slug, maxMachines, durationDays: 365, entitlements: [] });
    expect(res.status, res.text).toBe(201);
  }
});

describe("POST /products and /plans with one slug at once", () => {
  it(`${N} products with one slug: one 201, the rest 409 CONFLICT; one row, one audit entry`, async () => {
    const slug = `p-${unique()}`;
    const results = await times(N, (i) => call("POST", "products", { slug, name: `Name ${i}` }));
    expect(statuses(results)).toEqual([201, ...Array(N - 1).fill(409)]);
    for (const r of results.filter((r) => r.status === 409)) {
      expect(r.json.error).toEqual({ code: "CONFLICT", message: `The product slug "${slug}" is already in use` });
    }
    const rows = await sql("SELECT * FROM products WHERE slug = $1", [slug]);
    expect(rows).toHaveLength(1);
    const winner = results.find((r) => r.status === 201)!;
    expect(rows[0]).toMatchObject({ id: winner.json.id, name: winner.json.name });
    expect(await audit("product.create", winner.json.id)).toHaveLength(1);
  });

  it(`${N} plans with one slug, on two products: one 201, the rest 409; one row, one audit entry`, async () => {
    expect((await call("POST", "products", { slug: "conc-other", name: "Other" })).status).toBe(201);
    const slug = `pl-${unique()}`;
    const results = await times(N, (i) =>
      call("POST", "plans", { product: i % 2 ? "conc" : "conc-other", slug, name: `Plan ${i}`, maxMachines: i + 1, durationDays: null, entitlements: [] }),
    );
    expect(statuses(results)).toEqual([201, ...Array(N - 1).fill(409)]);
    for (const r of results.filter((r) => r.status === 409)) expect(r.json.error.message).toBe(`The plan slug "${slug}" is already in use`);
    const rows = await sql("SELECT * FROM plans WHERE slug = $1", [slug]);
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(results.find((r) => r.status === 201)!.json.id);
    expect(await audit("plan.create", rows[0].id)).toHaveLength(1);
  });

  it(`${N} plans with distinct slugs and one Stripe price: one 201, the rest 409 naming the price`, async () => {
    const price = `price_${unique()}`;
    const results = await times(N, (i) =>
      call("POST", "plans", { product: "conc", slug: `sp-${unique()}-${i}`, name: "P", maxMachines: 1, durationDays: null, entitlements: [], stripePriceId: price }),
    );
    expect(statuses(results)).toEqual([201, ...Array(N - 1).fill(409)]);
    for (const r of results.filter((r) => r.status === 409)) expect(r.json.error.message).toBe(`The Stripe price "${price}" is already in use`);
    expect(await sql("SELECT id FROM plans WHERE stripe_price_id = $1", [price])).toHaveLength(1);
  });
});

describe("PATCH /licenses/{id} at once", () => {
  it(`${N} PATCHes with different fields: all 200, every change kept, one audit entry per change`, async () => {
    const id = await issue("conc-pro");
    const [before] = await sql("SELECT * FROM licenses WHERE id = $1", [id]);
    const expiresAt = "2033-03-03T03:03:03.000Z";
    // Repeats of one change: the first applies it, the others find nothing to do.
    const bodies = [
      ...Array(3).fill({ status: "SUSPENDED" }),
      ...Array(3).fill({ maxMachines: 7 }),
      ...Array(2).fill({ expiresAt }),
      ...Array(2).fill({ plan: "conc-max" }),
    ];
    const results = await Promise.all(bodies.map((body) => call("PATCH", `licenses/${id}`, body)));
    expect(results.map((r) => r.status)).toEqual(Array(N).fill(200));

    // No lost update: each field holds what was asked, whatever the order.
    const [after] = await sql("SELECT l.*, p.slug AS plan_slug FROM licenses l JOIN plans p ON p.id = l.plan_id WHERE l.id = $1", [id]);
    expect(after).toMatchObject({ status: "SUSPENDED", status_reason: "admin", max_machines: 7, plan_slug: "conc-max" });
    expect(after.expires_at.toISOString()).toBe(expiresAt);
    const entries = await audit("license.update", id);
    expect(entries.map((e) => Object.keys(e.data.changes)).flat().sort()).toEqual(["expiresAt", "maxMachines", "plan", "status"]);
    await expectAuditChain(id, "status", "ACTIVE", "SUSPENDED");
    await expectAuditChain(id, "maxMachines", null, 7);
    await expectAuditChain(id, "expiresAt", before.expires_at.toISOString(), expiresAt);
    await expectAuditChain(id, "plan", "conc-pro", "conc-max");
  });

  it(`${N} PATCHes of one field with different values: one audit entry each, chained, the last one stored`, async () => {
    const id = await issue("conc-pro");
    const results = await times(N, (i) => call("PATCH", `licenses/${id}`, { maxMachines: 10 + i }));
    expect(results.map((r) => r.status)).toEqual(Array(N).fill(200));
    const [after] = await sql("SELECT max_machines FROM licenses WHERE id = $1", [id]);
    const entries = await expectAuditChain(id, "maxMachines", null, after.max_machines);
    expect(entries).toHaveLength(N);
  });
});

describe("DELETE /licenses/{id}/machines/{machineId} at once", () => {
  it(`${N} deactivations of one machine: one 200, the rest 404; one audit entry`, async () => {
    const id = await issue("conc-pro");
    const machineId = await addMachine(id, "fp-once");
    const results = await times(N, () => call("DELETE", `licenses/${id}/machines/${machineId}`));
    expect(statuses(results)).toEqual([200, ...Array(N - 1).fill(404)]);
    const [row] = await sql("SELECT deactivated_at FROM machines WHERE id = $1", [machineId]);
    expect(row.deactivated_at.toISOString()).toBe(results.find((r) => r.status === 200)!.json.machine.deactivatedAt);
    expect(await audit("machine.deactivate", machineId)).toHaveLength(1);
  });

  it("deactivations of every machine of one license at once: all 200, every seat free, one audit entry each", async () => {
    const id = await issue("conc-max");
    const machines = await times(5, (i) => addMachine(id, `fp-${i}`));
    const results = await Promise.all(machines.map((m) => call("DELETE", `licenses/${id}/machines/${m}`)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect((await call("GET", `licenses/${id}`)).json.license.activeMachines).toBe(0);
    for (const m of machines) expect(await audit("machine.deactivate", m)).toHaveLength(1);
  });
});

describe("writes naming a plan while the console deletes it", () => {
  // The interleaving is arranged, not hoped for: a session holds the audit log,
  // so the console's deletePlan stops after deleting the plan (uncommitted) and
  // before writing its entry; the API requests then read the plan, which is
  // still visible, and try to point a license at it.
  it("POST /licenses and PATCH {plan} on the plan being deleted answer 400 Unknown plan, never 500, and change nothing", async () => {
    const slug = `doomed-${unique()}`;
    const created = await call("POST", "plans", { product: "conc", slug, name: "Doomed", maxMachines: 1, durationDays: null, entitlements: [] });
    expect(created.status).toBe(201);
    const planId = created.json.id;
    const existing = await issue("conc-pro");

    const holder = await db().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE audit_logs IN EXCLUSIVE MODE");
      const deleting = deletePlan(admin, { planId }, "203.0.113.1").then(
        (r) => r,
        (e: unknown) => e,
      );
      await lockWaiters(1);
      const writes = Promise.all([call("POST", "licenses", { plan: slug, email: `d-${unique()}@example.com` }), call("PATCH", `licenses/${existing}`, { plan: slug })]);
      await lockWaiters(3);
      await holder.query("COMMIT");
      const [deleted, [issued, patched]] = await Promise.all([deleting, writes]);

      expect(deleted).toMatchObject({ ok: true });
      expect(await sql("SELECT id FROM plans WHERE id = $1", [planId])).toHaveLength(0);
      for (const res of [issued, patched]) {
        expect(res.status, res.text).toBe(400);
        expect(res.json.error).toEqual({ code: "BAD_REQUEST", message: `Unknown plan "${slug}"` });
      }
      // Nothing half-done: the license kept its plan, no change was audited.
      expect((await sql("SELECT p.slug FROM licenses l JOIN plans p ON p.id = l.plan_id WHERE l.id = $1", [existing]))[0].slug).toBe("conc-pro");
      expect(await audit("license.update", existing)).toHaveLength(0);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      holder.release();
    }
  });
});
