// The console's "Owner and key" actions against a real database, through the
// console's action table (session, admin role, form validation) as the license
// page calls them: a new owner by address, a new key shown once.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/client";
import { call } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { consoleActions } from "./console-actions";
import type { ConsoleAdmin } from "./guard";
import { auditEntries, consoleAdmin, fakeDeps, form } from "./test-kit";

setupTestDatabase();
let admin: ConsoleAdmin;
let actions: ReturnType<typeof consoleActions>;
beforeAll(async () => {
  process.env.RATE_LIMIT_PER_MINUTE = "0";
  admin = await consoleAdmin();
  actions = consoleActions(fakeDeps({ ...admin, isAdmin: true }));
});

describe("change owner", () => {
  it("moves the license to the address typed (trimmed, any case), keeping machines, and says so", async () => {
    const { license, user } = await createLicense();
    await prisma().machine.create({ data: { licenseId: license.id, fingerprint: "fp-c", name: "Console box" } });
    const state = await actions.changeLicenseOwner({}, form({ licenseId: license.id, email: "  New.Owner@Example.COM " }));
    expect(state).toEqual({ ok: true, message: "The license now belongs to new.owner@example.com; its key and machines are unchanged." });
    const row = await prisma().license.findUniqueOrThrow({ where: { id: license.id }, include: { user: true, machines: true } });
    expect(row.user.email).toBe("new.owner@example.com");
    expect(row.machines.map((m) => m.deactivatedAt)).toEqual([null]);
    const [entry] = await auditEntries("license.update", license.id);
    expect(entry).toMatchObject({ actorId: admin.id, data: { changes: { email: { from: user.email, to: "new.owner@example.com" } } } });
  });

  it("shows a field error for anything but one address and changes nothing", async () => {
    const { license, user } = await createLicense();
    const state = await actions.changeLicenseOwner({}, form({ licenseId: license.id, email: "a@example.com, b@example.com" }));
    expect(state.error).toBeDefined();
    expect(state.fieldErrors?.email).toMatch(/exactly one email address/);
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).userId).toBe(user.id);
  });
});

describe("regenerate key", () => {
  it("needs the confirmation, then shows the new key once; the old key is NOT_FOUND", async () => {
    const { license, key } = await createLicense();
    expect((await actions.regenerateLicenseKey({}, form({ licenseId: license.id }))).fieldErrors?.confirm).toBe("Confirm this action first.");
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).keyHash).toBe(license.keyHash);

    const state = await actions.regenerateLicenseKey({}, form({ licenseId: license.id, confirm: "yes" }));
    expect(state.ok).toBe(true);
    expect(state.secret).toMatch(/^ZP-/);
    expect(state.message).toContain(`the old key (…${key.slice(-5)}) no longer works`);
    expect((await call("/api/v1/licenses/validate", { key })).json.code).toBe("NOT_FOUND");
    expect((await call("/api/v1/licenses/validate", { key: state.secret })).json.code).toBe("VALID");
    const [entry] = await auditEntries("license.regenerate_key", license.id);
    expect(entry).toMatchObject({ actorId: admin.id, data: { via: "console" } });
  });

  it("refuses a revoked license", async () => {
    const { license } = await createLicense({ status: "REVOKED" });
    const state = await actions.regenerateLicenseKey({}, form({ licenseId: license.id, confirm: "yes" }));
    expect(state).toEqual({ error: "The license is revoked: a new key would not work either." });
  });
});
