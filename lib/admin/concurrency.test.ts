/* eslint-disable @typescript-eslint/no-explicit-any -- audit data and SQL rows are JSON, checked field by field */
// The console's actions under concurrency, against a real database: two admins
// (or one double click) doing the same thing at once. Every action runs through
// consoleActions, as a form post does, so the outcome checked is what the admin
// sees (the status line), then the rows: no duplicates, no lost update, and one
// audit entry per change that really happened.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticateAdmin } from "../admin-api/auth";
import { db, prisma } from "../db/client";
import type { ApiRequest } from "../http/types";
import { createLicense, createPlan as createPlanFixture } from "../test/licenses";
import { setupTestDatabase } from "../test/database";
import type { ActionState } from "./action-state";
import { consoleActions, type ConsoleActions } from "./console-actions";
import { SESSION_ENDED } from "./guard";
import { auditEntries, createUser, fakeDeps, form, RedirectedTo } from "./test-kit";

setupTestDatabase();

const N = 10;
const UNEXPECTED = "That did not work: an unexpected error occurred. Try again, or check the server log.";
const DAY_MS = 86_400_000;
let actions: ConsoleActions;

beforeAll(async () => {
  actions = consoleActions(fakeDeps(await createUser("ADMIN")));
});

type Outcome = ActionState & { redirectedTo?: string };

/** Posts a console form; a redirect (what a successful create answers) is an outcome too. */
async function post(name: keyof ConsoleActions, fields: Record<string, string | number | undefined>): Promise<Outcome> {
  try {
    return await actions[name]({}, form(fields));
  } catch (error) {
    if (error instanceof RedirectedTo) return { ok: true, redirectedTo: error.url };
    throw error;
  }
}

const times = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
const unique = () => randomBytes(4).toString("hex");
const count = (outcomes: Outcome[], test: (o: Outcome) => boolean) => outcomes.filter(test).length;

function expectNoUnexpected(outcomes: Outcome[]) {
  expect(outcomes.filter((o) => o.error === UNEXPECTED || o.error === SESSION_ENDED)).toEqual([]);
}

/** The entries of `action` on `targetId` naming `field`, in commit order, must chain from `initial` to `final`. */
async function expectAuditChain(action: string, targetId: string, field: string, initial: unknown, final: unknown) {
  const entries = (await auditEntries(action, targetId)).filter((e) => (e.data as any).changes?.[field]);
  let current = initial;
  for (const entry of entries) {
    const change = (entry.data as any).changes[field];
    expect(change.from, `${field}: each entry starts where the previous ended`).toEqual(current);
    current = change.to;
  }
  expect(current, `${field}: the last audited value is the stored one`).toEqual(final);
  return entries;
}

async function lockWaiters(n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await db().query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    if (rows[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${n} sessions waiting on a lock`);
}

describe("products and plans", () => {
  it(`${N} creates of one product slug: one created, the rest told the slug is taken; one row, one audit entry`, async () => {
    const slug = `prod-${unique()}`;
    const outcomes = await times(N, (i) => post("createProduct", { slug, name: `Product ${i}` }));
    expect(count(outcomes, (o) => o.redirectedTo !== undefined)).toBe(1);
    expect(count(outcomes, (o) => o.error === `The product slug "${slug}" is already in use.`)).toBe(N - 1);
    const rows = await prisma().product.findMany({ where: { slug } });
    expect(rows).toHaveLength(1);
    expect(await auditEntries("product.create", rows[0]!.id)).toHaveLength(1);
  });

  it(`${N} creates of one plan slug: one created, the rest told the slug is taken; one row, one audit entry`, async () => {
    const product = await prisma().product.create({ data: { slug: `pp-${unique()}`, name: "P" } });
    const slug = `plan-${unique()}`;
    const outcomes = await times(N, (i) => post("createPlan", { productId: product.id, slug, name: `Plan ${i}`, maxMachines: 1 }));
    expect(count(outcomes, (o) => o.redirectedTo !== undefined)).toBe(1);
    expect(count(outcomes, (o) => o.error?.startsWith(`The plan slug "${slug}" is already in use`) ?? false)).toBe(N - 1);
    const rows = await prisma().plan.findMany({ where: { slug } });
    expect(rows).toHaveLength(1);
    expect(await auditEntries("plan.create", rows[0]!.id)).toHaveLength(1);
  });

  it(`${N} edits of one product with different names: each audited from the name it replaced, the last one kept`, async () => {
    const product = await prisma().product.create({ data: { slug: `ed-${unique()}`, name: "Original" } });
    const outcomes = await times(N, (i) => post("updateProduct", { productId: product.id, name: `Name ${i}` }));
    expect(outcomes.every((o) => o.ok && o.message === "Product saved.")).toBe(true);
    const { name } = await prisma().product.findUniqueOrThrow({ where: { id: product.id } });
    expect(await expectAuditChain("product.update", product.id, "name", "Original", name)).toHaveLength(N);
  });

  it(`${N} archives of one product, then ${N} restores: one change and one audit entry each`, async () => {
    const product = await prisma().product.create({ data: { slug: `ar-${unique()}`, name: "A" } });
    const archived = await times(N, () => post("archiveProduct", { productId: product.id }));
    expect(count(archived, (o) => o.message?.startsWith("Product archived") ?? false)).toBe(1);
    expect(count(archived, (o) => o.message === "Nothing changed.")).toBe(N - 1);
    const restored = await times(N, () => post("restoreProduct", { productId: product.id }));
    expect(count(restored, (o) => o.message?.startsWith("Product restored") ?? false)).toBe(1);
    expect(await auditEntries("product.archive", product.id)).toHaveLength(1);
    expect(await auditEntries("product.restore", product.id)).toHaveLength(1);
    expect((await prisma().product.findUniqueOrThrow({ where: { id: product.id } })).archivedAt).toBeNull();
  });

  it(`${N} edits of one plan with different seats: each audited from the value it replaced, the last one kept`, async () => {
    const plan = await createPlanFixture({ maxMachines: 1 });
    const outcomes = await times(N, (i) => post("updatePlan", { planId: plan.id, name: plan.name, maxMachines: 2 + i }));
    expect(outcomes.every((o) => o.ok && o.message?.startsWith("Plan saved."))).toBe(true);
    const { maxMachines } = await prisma().plan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(await expectAuditChain("plan.update", plan.id, "maxMachines", 1, maxMachines)).toHaveLength(N);
  });

  it(`${N} archives of one plan: one change, one audit entry`, async () => {
    const plan = await createPlanFixture();
    const outcomes = await times(N, () => post("archivePlan", { planId: plan.id }));
    expect(count(outcomes, (o) => o.message?.startsWith("Plan archived") ?? false)).toBe(1);
    expect(count(outcomes, (o) => o.message === "Nothing changed.")).toBe(N - 1);
    expect(await auditEntries("plan.archive", plan.id)).toHaveLength(1);
  });

  it(`${N} deletes of one plan: one deleted, the rest told it does not exist; one audit entry`, async () => {
    const plan = await createPlanFixture();
    const outcomes = await times(N, () => post("deletePlan", { planId: plan.id, confirm: "yes" }));
    expect(count(outcomes, (o) => o.redirectedTo === "/admin/products")).toBe(1);
    expect(count(outcomes, (o) => o.error === "The plan does not exist.")).toBe(N - 1);
    expect(await auditEntries("plan.delete", plan.id)).toHaveLength(1);
  });

  it("edits, archives and a delete of one plan at once: the edits after the delete are told it does not exist", async () => {
    const plan = await createPlanFixture({ maxMachines: 1 });
    const outcomes = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => post("updatePlan", { planId: plan.id, name: plan.name, maxMachines: 2 + i })),
      post("deletePlan", { planId: plan.id, confirm: "yes" }),
      ...Array.from({ length: 4 }, () => post("archivePlan", { planId: plan.id })),
    ]);
    expectNoUnexpected(outcomes);
    expect(await prisma().plan.findUnique({ where: { id: plan.id } })).toBeNull();
    for (const o of outcomes) if (o.error) expect(o.error).toBe("The plan does not exist.");
  });
});

describe("one license, many admins", () => {
  it(`${N} suspends: one change, the rest told it was already suspended; one audit entry`, async () => {
    const { license } = await createLicense();
    const outcomes = await times(N, () => post("suspendLicense", { licenseId: license.id }));
    expect(count(outcomes, (o) => o.message === "License suspended: the license API now answers SUSPENDED.")).toBe(1);
    expect(count(outcomes, (o) => o.message === "The license was already suspended.")).toBe(N - 1);
    expect(await auditEntries("license.update", license.id)).toHaveLength(1);
  });

  it(`${N} extensions by one day: ${N} days added, none lost, each audited from the expiry it extended`, async () => {
    const start = new Date(Date.now() + 30 * DAY_MS);
    const { license } = await createLicense({ expiresAt: start });
    const outcomes = await times(N, () => post("extendLicense", { licenseId: license.id, days: 1 }));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const { expiresAt } = await prisma().license.findUniqueOrThrow({ where: { id: license.id } });
    expect(expiresAt).toEqual(new Date(start.getTime() + N * DAY_MS));
    expect(await expectAuditChain("license.update", license.id, "expiresAt", start.toISOString(), expiresAt!.toISOString())).toHaveLength(N);
  });

  it("suspend, reinstate, revoke, expiry, extend, plan, seats and machine resets at once: no error, no lost update, audit entries chained", async () => {
    const start = new Date(Date.now() + 30 * DAY_MS);
    const { license, plan } = await createLicense({ expiresAt: start, maxMachines: 3 });
    const other = await createPlanFixture({ maxMachines: 4 });
    for (const fp of ["a", "b", "c"]) await prisma().machine.create({ data: { licenseId: license.id, fingerprint: fp } });
    const licenseId = license.id;
    const outcomes = await Promise.all([
      post("suspendLicense", { licenseId }),
      post("suspendLicense", { licenseId }),
      post("reinstateLicense", { licenseId }),
      post("revokeLicense", { licenseId, confirm: "yes" }),
      post("setLicenseExpiry", { licenseId, expiresAt: "2034-04-04" }),
      post("extendLicense", { licenseId, days: 7 }),
      post("changeLicensePlan", { licenseId, planId: other.id }),
      post("changeLicensePlan", { licenseId, planId: plan.id }),
      post("changeLicenseSeats", { licenseId, maxMachines: 9 }),
      post("resetMachines", { licenseId, confirm: "yes" }),
      post("resetMachines", { licenseId, confirm: "yes" }),
    ]);
    expectNoUnexpected(outcomes);
    // The only refusals: what a revoked license allows no more (a revocation is final: no status
    // change, and no change of its terms, once it committed).
    for (const o of outcomes.filter((o) => o.error)) expect(o.error).toMatch(/^(A revoked license cannot be (suspended|reinstated)|The license is revoked: its expiry, plan and seats can no longer be changed)/);

    const after = await prisma().license.findUniqueOrThrow({ where: { id: licenseId }, include: { plan: true } });
    expect(after.status).toBe("REVOKED");
    await expectAuditChain("license.update", licenseId, "status", "ACTIVE", "REVOKED");
    await expectAuditChain("license.update", licenseId, "expiresAt", start.toISOString(), after.expiresAt!.toISOString());
    await expectAuditChain("license.update", licenseId, "plan", plan.slug, after.plan.slug);
    await expectAuditChain("license.update", licenseId, "maxMachines", null, after.maxMachines);
    expect([null, 9]).toContain(after.maxMachines);
    expect(await prisma().machine.count({ where: { licenseId, deactivatedAt: null } })).toBe(0);
    const resets = await auditEntries("license.reset_machines", licenseId);
    expect(resets.map((e) => (e.data as any).count)).toEqual([3]);
    expect(count(outcomes, (o) => o.message === "No machine was active.")).toBe(1);
  });

  it(`${N} deactivations of one machine: one frees the seat, the rest are told it is already deactivated; one audit entry`, async () => {
    const { license } = await createLicense();
    const machine = await prisma().machine.create({ data: { licenseId: license.id, fingerprint: "fp" } });
    const outcomes = await times(N, () => post("deactivateMachine", { licenseId: license.id, machineId: machine.id }));
    expect(count(outcomes, (o) => o.message === "Machine deactivated: its seat is free.")).toBe(1);
    expect(count(outcomes, (o) => o.error === "The machine does not exist or is already deactivated")).toBe(N - 1);
    expect(await auditEntries("machine.deactivate", machine.id)).toHaveLength(1);
  });

  it(`${N} licenses issued at once for one new email: all issued, to one customer`, async () => {
    const plan = await createPlanFixture();
    const email = `burst-${unique()}@example.com`;
    const outcomes = await times(N, () => post("issueLicense", { plan: plan.slug, email }));
    expect(count(outcomes, (o) => o.redirectedTo?.startsWith("/admin/licenses/") ?? false)).toBe(N);
    const users = await prisma().user.findMany({ where: { email }, include: { licenses: true } });
    expect(users).toHaveLength(1);
    expect(users[0]!.licenses).toHaveLength(N);
  });
});

describe("a plan deleted while licenses are moved to it or issued on it", () => {
  // Arranged, not hoped for: a session holds the audit log, so deletePlan stops
  // after deleting the plan (uncommitted) and before its audit entry; the other
  // actions then read the plan, still visible to them, and point a license at it.
  it("the plan change and the issue are refused with a message, never an unexpected error; nothing half-done", async () => {
    const target = await createPlanFixture();
    const { license, plan } = await createLicense();
    const holder = await db().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE audit_logs IN EXCLUSIVE MODE");
      const deleting = post("deletePlan", { planId: target.id, confirm: "yes" });
      await lockWaiters(1);
      const writes = Promise.all([
        post("changeLicensePlan", { licenseId: license.id, planId: target.id }),
        post("issueLicense", { plan: target.slug, email: `late-${unique()}@example.com` }),
      ]);
      await lockWaiters(3);
      await holder.query("COMMIT");
      const [deleted, [moved, issued]] = await Promise.all([deleting, writes]);

      expectNoUnexpected([deleted, moved, issued]);
      expect(deleted.redirectedTo).toBe("/admin/products");
      expect(await prisma().plan.count({ where: { id: target.id } })).toBe(0);
      expect(moved.error).toBe("That plan does not exist.");
      expect(issued.error).toBe(`Unknown plan "${target.slug}"`);
      // Nothing half-done: the license kept its plan, no change was audited, no license was issued.
      expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).planId).toBe(plan.id);
      expect(await auditEntries("license.update", license.id)).toHaveLength(0);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      holder.release();
    }
  });
});

describe("API tokens", () => {
  const bearer = (token: string): ApiRequest => ({
    method: "GET",
    path: "/api/v1/admin/licenses",
    query: new URLSearchParams(),
    host: "portal.test",
    ip: "203.0.113.7",
    headers: { authorization: `Bearer ${token}` },
    body: Buffer.alloc(0),
  });

  it(`${N} tokens created at once with one name: ${N} distinct working tokens, one audit entry each`, async () => {
    const name = `ci-${unique()}`;
    const outcomes = await times(N, () => post("createApiToken", { name }));
    const secrets = outcomes.map((o) => o.secret);
    expect(new Set(secrets).size).toBe(N);
    const rows = await prisma().apiToken.findMany({ where: { name } });
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.tokenHash)).size).toBe(N);
    for (const row of rows) expect(await auditEntries("api_token.create", row.id)).toHaveLength(1);
    for (const secret of secrets) expect(await authenticateAdmin(bearer(secret!))).toMatchObject({ type: "admin_token", label: name });
  });

  it(`${N} revocations of one token: one revokes it, the rest are told it already was; one audit entry; it stops working`, async () => {
    const name = `rv-${unique()}`;
    const { secret } = await post("createApiToken", { name });
    const { id } = await prisma().apiToken.findFirstOrThrow({ where: { name } });
    const outcomes = await times(N, () => post("revokeApiToken", { tokenId: id, confirm: "yes" }));
    expect(count(outcomes, (o) => o.message === `Token "${name}" revoked: it no longer works.`)).toBe(1);
    expect(count(outcomes, (o) => o.message === "The token was already revoked.")).toBe(N - 1);
    expect(await auditEntries("api_token.revoke", id)).toHaveLength(1);
    await expect(authenticateAdmin(bearer(secret!))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("Stripe event log", () => {
  it(`${N} re-runs of one failed event: it runs once, the rest are told it was handled; one audit entry`, async () => {
    // A type the webhook does not handle: re-running it only marks it IGNORED.
    const id = `evt_${unique()}`;
    const payload = { id, object: "event", type: "customer.created", created: Math.floor(Date.now() / 1000), data: { object: { id: `cus_${unique()}`, object: "customer" } } };
    await prisma().stripeEvent.create({ data: { id, type: payload.type, payload, status: "FAILED", error: "boom" } });
    const outcomes = await times(N, () => post("rerunStripeEvent", { eventId: id }));
    expectNoUnexpected(outcomes);
    expect(count(outcomes, (o) => o.message === `Event ${id} re-run: ignored.`)).toBe(1);
    // The others found it handled, before their own attempt or while it waited for the first.
    const handled = [`Event ${id} had already been handled meanwhile.`, `Event ${id} is ignored: nothing to re-run.`];
    expect(count(outcomes, (o) => handled.includes(o.message ?? ""))).toBe(N - 1);
    expect((await prisma().stripeEvent.findUniqueOrThrow({ where: { id } })).status).toBe("IGNORED");
    // Sequential re-runs of a handled event write nothing; concurrent ones must not either.
    expect(await auditEntries("stripe_event.rerun", id)).toHaveLength(1);
  });
});
