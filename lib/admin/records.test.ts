// API tokens, the Stripe event log with re-runs, the audit log's filters and the
// customer pages, against a real database.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { authenticateAdmin, hashApiToken } from "../admin-api/auth";
import { prisma } from "../db/client";
import type { ApiRequest } from "../http/types";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { createToken, listApiTokens, revokeToken } from "./api-tokens";
import { auditSearchSchema, listAudit } from "./audit-log";
import { customerSearchSchema, getCustomer, listCustomers } from "./customers";
import type { ConsoleAdmin } from "./guard";
import { suspendLicense } from "./license-changes";
import { eventSearchSchema, listStripeEvents, rerunFailedEvent } from "./stripe-events";
import { auditEntries, consoleAdmin } from "./test-kit";

setupTestDatabase();

const IP = "198.51.100.20";
let admin: ConsoleAdmin;
beforeAll(async () => {
  admin = await consoleAdmin();
});

/** The admin API's own check of a bearer token. */
function authenticate(token: string) {
  const req = { headers: { authorization: `Bearer ${token}` } } as unknown as ApiRequest;
  return authenticateAdmin(req);
}

describe("API tokens", () => {
  it("creates a token shown once, stores only its hash and hint, and the admin API accepts it", async () => {
    const result = await createToken(admin, { name: "Deploy bot" }, IP);
    const token = result.secret!;
    expect(token).toMatch(/^lpat_/);
    const row = await prisma().apiToken.findFirstOrThrow({ where: { name: "Deploy bot" } });
    expect(row).toMatchObject({ tokenHash: hashApiToken(token), hint: token.slice(-4), createdById: admin.id, revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await authenticate(token)).toEqual({ type: "admin_token", id: row.id, label: "Deploy bot" });

    const listed = (await listApiTokens()).find((t) => t.id === row.id);
    expect(listed).toEqual(expect.objectContaining({ name: "Deploy bot", hint: token.slice(-4), createdBy: admin.email }));
    expect(JSON.stringify(await listApiTokens())).not.toContain(token);

    const [entry] = await auditEntries("api_token.create", row.id);
    expect(entry).toMatchObject({ actorId: admin.id, ip: IP, data: { name: "Deploy bot", hint: token.slice(-4) } });
    expect(JSON.stringify(entry?.data)).not.toContain(token);
  });

  it("revokes a token: the admin API refuses it at once; revoking again is a no-op", async () => {
    const token = (await createToken(admin, { name: "Old laptop" }, IP)).secret!;
    const row = await prisma().apiToken.findFirstOrThrow({ where: { name: "Old laptop" } });
    expect((await revokeToken(admin, { tokenId: row.id }, IP)).message).toMatch(/revoked/);
    await expect(authenticate(token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await revokeToken(admin, { tokenId: row.id }, IP)).message).toBe("The token was already revoked.");
    expect(await auditEntries("api_token.revoke", row.id)).toHaveLength(1);
    await expect(revokeToken(admin, { tokenId: randomUUID() }, IP)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("Stripe event log", () => {
  // An event type with no handler: re-processing it records it as IGNORED.
  const event = (id: string, type = "console.unknown_type") => ({ id, type, created: 1_700_000_000, data: { object: { id: `obj_${id}` } } });

  it("lists events newest first with their result, filtered by status and type", async () => {
    await prisma().stripeEvent.createMany({
      data: [
        { id: "evt_list_1", type: "checkout.session.completed", status: "PROCESSED", payload: event("evt_list_1"), receivedAt: new Date(Date.now() - 2000) },
        { id: "evt_list_2", type: "invoice.paid", status: "FAILED", error: "no license", payload: event("evt_list_2"), receivedAt: new Date(Date.now() - 1000) },
      ],
    });
    const all = await listStripeEvents(eventSearchSchema.parse({}));
    expect(all.items.slice(0, 2).map((e) => e.id)).toEqual(["evt_list_2", "evt_list_1"]);
    expect(all.items[0]).toMatchObject({ status: "FAILED", error: "no license", objectId: "obj_evt_list_2" });
    expect((await listStripeEvents(eventSearchSchema.parse({ status: "FAILED" }))).items.every((e) => e.status === "FAILED")).toBe(true);
    expect((await listStripeEvents(eventSearchSchema.parse({ type: "checkout." }))).items.map((e) => e.id)).toEqual(["evt_list_1"]);
    // The totals (counted along an index when a status is given) are the matching rows'.
    for (const filter of [{}, { status: "FAILED" }, { status: "PROCESSED", type: "checkout." }, { type: "invoice." }] as const) {
      const where = { ...("status" in filter ? { status: filter.status } : {}), ...("type" in filter ? { type: { startsWith: filter.type } } : {}) };
      expect((await listStripeEvents(eventSearchSchema.parse(filter))).total, JSON.stringify(filter)).toBe(await prisma().stripeEvent.count({ where }));
    }
  });

  it("re-runs a failed event through the webhook dispatcher, once; a re-run of a handled event does nothing", async () => {
    await prisma().stripeEvent.create({ data: { id: "evt_rerun", type: "console.unknown_type", status: "FAILED", error: "boom", payload: event("evt_rerun") } });
    expect((await rerunFailedEvent(admin, { eventId: "evt_rerun" }, IP)).message).toBe("Event evt_rerun re-run: ignored.");
    expect(await prisma().stripeEvent.findUnique({ where: { id: "evt_rerun" } })).toMatchObject({ status: "IGNORED", error: null, attempts: 2 });
    expect((await rerunFailedEvent(admin, { eventId: "evt_rerun" }, IP)).message).toMatch(/ignored: nothing to re-run/);
    expect((await prisma().stripeEvent.findUniqueOrThrow({ where: { id: "evt_rerun" } })).attempts).toBe(2);
    const entries = await auditEntries("stripe_event.rerun", "evt_rerun");
    expect(entries.map((e) => e.data)).toEqual([{ outcome: "ignored" }]);
    await expect(rerunFailedEvent(admin, { eventId: "evt_never" }, IP)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reports a re-run that fails again with the new error, and keeps the event FAILED", async () => {
    // A paid checkout for a plan that does not exist fails in its handler.
    const payload = {
      id: "evt_fails",
      type: "checkout.session.completed",
      created: 1_700_000_000,
      data: { object: { id: "cs_fails", object: "checkout.session", mode: "payment", payment_status: "paid", metadata: { plan: "no-such-plan" }, customer_details: { email: "x@example.com" }, amount_total: 100, currency: "usd" } },
    };
    await prisma().stripeEvent.create({ data: { id: "evt_fails", type: payload.type, status: "FAILED", error: "old", payload } });
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const result = await rerunFailedEvent(admin, { eventId: "evt_fails" }, IP);
    quiet.mockRestore();
    const row = await prisma().stripeEvent.findUniqueOrThrow({ where: { id: "evt_fails" } });
    expect(row).toMatchObject({ status: "FAILED", attempts: 2 });
    expect(row.error).toContain('unknown plan "no-such-plan"');
    expect(result).toEqual({ error: `Event evt_fails failed again: ${row.error}` });
    expect((await auditEntries("stripe_event.rerun", "evt_fails")).map((e) => e.data)).toEqual([{ outcome: "failed" }]);
  });
});

describe("audit log", () => {
  it("filters by action prefix, actor, target, address and day", async () => {
    const { license } = await createLicense();
    await suspendLicense(admin, { licenseId: license.id }, "192.0.2.77");
    await prisma().auditLog.create({ data: { actorType: "stripe", actorId: "evt_x", action: "license.create", targetType: "license", targetId: license.id, at: new Date("2030-05-05T10:00:00Z") } });

    const search = (params: Record<string, string>) => listAudit(auditSearchSchema.parse(params));
    const update = await search({ action: "license.upd", targetId: license.id });
    expect(update.items.map((a) => [a.action, a.actorLabel, a.ip])).toEqual([["license.update", admin.email, "192.0.2.77"]]);
    expect((await search({ actor: admin.email.toUpperCase().slice(0, 8), targetId: license.id })).total).toBe(1);
    expect((await search({ actor: admin.id, targetId: license.id })).total).toBe(1);
    expect((await search({ actorType: "stripe", targetType: "license" })).items.map((a) => a.actorId)).toEqual(["evt_x"]);
    expect((await search({ ip: "192.0.2.77" })).total).toBe(1);
    expect((await search({ from: "2030-05-05", to: "2030-05-05" })).items.map((a) => a.actorId)).toEqual(["evt_x"]);
    expect((await search({ from: "2030-05-06" })).total).toBe(0);
    // Nonsense filters are dropped, not errors.
    expect(auditSearchSchema.parse({ actorType: "robot", from: "2030-99-99", page: "x" })).toMatchObject({ actorType: undefined, from: undefined, page: 1 });
  });
});

describe("customers", () => {
  it("lists customers with their licenses and payments summed per currency; searches by email or name", async () => {
    const { user, license } = await createLicense({ email: `zed-${Date.now()}@example.com` });
    await prisma().user.update({ where: { id: user.id }, data: { name: "Zed Zebra" } });
    await prisma().payment.createMany({
      data: [
        { userId: user.id, licenseId: license.id, amountCents: 1000, currency: "usd" },
        { userId: user.id, licenseId: license.id, amountCents: 500, currency: "usd" },
        { userId: user.id, licenseId: license.id, amountCents: 700, currency: "eur" },
      ],
    });
    const byName = await listCustomers(customerSearchSchema.parse({ q: "zebra" }));
    expect(byName.items).toHaveLength(1);
    expect(byName.items[0]).toMatchObject({ id: user.id, licenseCount: 1, isAdmin: false });
    expect(byName.items[0]?.paid.sort((a, b) => a.currency.localeCompare(b.currency))).toEqual([
      { currency: "eur", amountCents: 700n },
      { currency: "usd", amountCents: 1500n },
    ]);
    expect((await listCustomers(customerSearchSchema.parse({ q: user.email.toUpperCase() }))).total).toBe(1);
    expect((await listCustomers(customerSearchSchema.parse({ q: admin.email }))).items[0]?.isAdmin).toBe(true);

    const detail = await getCustomer(user.id);
    expect(detail?.licenses.map((l) => l.id)).toEqual([license.id]);
    expect(detail?.payments).toHaveLength(3);
    expect(await getCustomer(randomUUID())).toBeNull();
    expect(await getCustomer("nope")).toBeNull();
  });
});
