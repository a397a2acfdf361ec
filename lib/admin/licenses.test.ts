// The console's license functions against a real database: search and paging,
// the license page, every change and machine action with its audit entry, and
// what the license API (lib/licensing/service.ts) answers afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { ApiError } from "../http/errors";
import { activate, validate } from "../licensing/service";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { backfillKeyHeads } from "../licensing/key-heads";
import { licenseKeyColumns, NO_KEY_HEAD } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { createLicense, createPlan } from "../test/licenses";
import type { ConsoleAdmin } from "./guard";
import { deactivateMachine, issueLicenseByHand, resendKeyEmail, resetMachines, revealLicenseKey } from "./license-actions";
import {
  changeLicensePlan,
  changeLicenseSeats,
  extendLicense,
  reinstateLicense,
  revokeLicense,
  setLicenseExpiry,
  suspendLicense,
} from "./license-changes";
import { loadLicensePage } from "./license-page";
import { LICENSES_PER_PAGE, parseLicenseSearch, searchLicenses } from "./license-search";
import { auditEntries, consoleAdmin } from "./test-kit";

setupTestDatabase();
const jobs = setupTestJobs();

const DAY_MS = 86_400_000;
const IP = "203.0.113.5";
let admin: ConsoleAdmin;
let mail: MailCatcher;

beforeAll(async () => {
  admin = await consoleAdmin();
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
  await jobs.start(); // emails go out through the outbox's workers
});
afterAll(async () => {
  await mail.stop();
});

const rejection = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as ApiError);
const addMachine = (licenseId: string, fingerprint: string, deactivatedAt: Date | null = null) =>
  prisma().machine.create({ data: { licenseId, fingerprint, name: `Box ${fingerprint}`, deactivatedAt } });

describe("searchLicenses", () => {
  it("finds a license by its full key however it is typed, by its hint, and nothing for a non-key", async () => {
    const { license, key } = await createLicense();
    await createLicense(); // another one, which must not match
    const hint = key.slice(-5);
    for (const typed of [key, `  ${key.toLowerCase()} `, hint, hint.toLowerCase(), `ZP-•••••-•••••-•••••-${hint}`]) {
      const page = await searchLicenses(parseLicenseSearch({ key: typed }));
      expect(page.items.map((l) => l.id), typed).toContain(license.id);
      expect(page.items.every((l) => l.keyHint === hint), typed).toBe(true);
    }
    const full = await searchLicenses(parseLicenseSearch({ key }));
    expect(full.total).toBe(1);
    // A key that looks complete but is not one: the hash matches nothing, the hint is not consulted.
    expect((await searchLicenses(parseLicenseSearch({ key: `${key.slice(0, -5)}AAAAA` }))).total).toBe(0);
    expect((await searchLicenses(parseLicenseSearch({ key: "hello world" }))).total).toBe(0);
  });

  it("finds a license by its key typed without dashes or prefix, and by its start (prefix and first group)", async () => {
    const { license, key } = await createLicense();
    await createLicense();
    const [prefix, first] = key.split("-");
    const compact = key.replace(/-/g, "");
    const typings = [compact, compact.toLowerCase(), key.slice(prefix!.length + 1), key.replace(/-/g, " "), `${prefix}-${first}`, `${prefix}${first}`, first!, first!.toLowerCase()];
    for (const typed of typings) {
      const page = await searchLicenses(parseLicenseSearch({ key: typed }));
      expect(page.items.map((l) => l.id), typed).toContain(license.id);
    }
    for (const typed of [compact, key.slice(prefix!.length + 1), `${prefix}-${first}`]) {
      expect((await searchLicenses(parseLicenseSearch({ key: typed }))).total, typed).toBe(1);
    }
  });

  it("finds licenses written before key heads were hashed once the start-up backfill ran", async () => {
    const { license, key } = await createLicense();
    await prisma().license.update({ where: { id: license.id }, data: { keyHeadHash: null } });
    const head = key.split("-").slice(0, 2).join("-");
    expect((await searchLicenses(parseLicenseSearch({ key: head }))).total).toBe(0);
    expect(await backfillKeyHeads(process.env.DATABASE_URL!)).toBeGreaterThanOrEqual(1);
    expect((await searchLicenses(parseLicenseSearch({ key: head }))).items.map((l) => l.id)).toEqual([license.id]);
    expect(await backfillKeyHeads(process.env.DATABASE_URL!)).toBe(0);
  });

  it("marks a key of another format as having no head, so the backfill does not decrypt it at every start", async () => {
    const { license } = await createLicense();
    const foreign = licenseKeyColumns("38b1460a5104", runtimeKeys()); // a Lemon Squeezy-style key: one group
    expect(foreign.keyHeadHash).toBe(NO_KEY_HEAD);
    await prisma().license.update({ where: { id: license.id }, data: { ...foreign, keyHeadHash: null } });
    expect(await backfillKeyHeads(process.env.DATABASE_URL!)).toBeGreaterThanOrEqual(1);
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).keyHeadHash).toBe(NO_KEY_HEAD);
    expect(await backfillKeyHeads(process.env.DATABASE_URL!)).toBe(0);
    expect((await searchLicenses(parseLicenseSearch({ key: "38b1460a5104" }))).items.map((l) => l.id)).toEqual([license.id]);
  });

  it("filters by part of the email, by plan, and by the status the API would answer", async () => {
    const tag = `tag${Date.now()}`;
    const live = await createLicense({ email: `alice.${tag}@example.com`, durationDays: 30 });
    const lapsed = await createLicense({ email: `bob.${tag}@example.com`, expiresAt: new Date(Date.now() - DAY_MS) });
    const suspended = await createLicense({ email: `carol.${tag}@example.com`, status: "SUSPENDED" });

    const ids = async (params: Record<string, string>) => (await searchLicenses(parseLicenseSearch({ email: tag.toUpperCase(), ...params }))).items.map((l) => l.id).sort();
    expect(await ids({})).toEqual([live.license.id, lapsed.license.id, suspended.license.id].sort());
    expect(await ids({ status: "ACTIVE" })).toEqual([live.license.id]);
    expect(await ids({ status: "EXPIRED" })).toEqual([lapsed.license.id]);
    expect(await ids({ status: "SUSPENDED" })).toEqual([suspended.license.id]);
    expect(await ids({ plan: lapsed.plan.slug })).toEqual([lapsed.license.id]);
    const [row] = (await searchLicenses(parseLicenseSearch({ email: `bob.${tag}` }))).items;
    expect(row).toMatchObject({ email: `bob.${tag}@example.com`, status: "EXPIRED", plan: lapsed.plan.slug });
    // Malformed parameters are ignored rather than failing the page.
    expect(parseLicenseSearch({ status: "NOPE", page: "-3" })).toMatchObject({ status: undefined, page: 1 });
  });

  it("pages in the database, newest first, without gaps or repeats", async () => {
    const tag = `page${Date.now()}`;
    const plan = await createPlan();
    const user = await prisma().user.create({ data: { email: `many.${tag}@example.com` } });
    const base = Date.now() - 1000 * DAY_MS;
    // Inserted directly: 30 licenses with distinct creation times.
    await prisma().license.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        keyHash: `${tag}-${i}`,
        keyCiphertext: "x",
        keyHint: "AAAAA",
        userId: user.id,
        planId: plan.id,
        createdAt: new Date(base + i * 1000),
      })),
    });
    const first = await searchLicenses(parseLicenseSearch({ email: tag }));
    const second = await searchLicenses(parseLicenseSearch({ email: tag, page: "2" }));
    expect(first).toMatchObject({ total: 30, page: 1, pageCount: 2 });
    expect(first.items).toHaveLength(LICENSES_PER_PAGE);
    expect(second.items).toHaveLength(30 - LICENSES_PER_PAGE);
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((l) => l.id)).size).toBe(30);
    const created = all.map((l) => l.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });
});

describe("loadLicensePage", () => {
  it("shows owner, plan, seats, machines with their history, validations, Stripe objects, payments and the audit trail", async () => {
    const { license, plan, user } = await createLicense({ maxMachines: 2, entitlements: ["sync"] });
    await prisma().license.update({
      where: { id: license.id },
      data: { stripeCustomerId: "cus_1", stripeSubscriptionId: `sub_${license.id}`, stripeCheckoutSessionId: `cs_${license.id}`, stripePaymentIntentId: "pi_1" },
    });
    const active = await addMachine(license.id, "fp-active");
    const gone = await addMachine(license.id, "fp-gone", new Date());
    await prisma().validationEvent.createMany({
      data: [
        { licenseId: license.id, endpoint: "validate", code: "VALID", fingerprint: "fp-active", at: new Date(Date.now() - 2000) },
        { licenseId: license.id, endpoint: "activate", code: "TOO_MANY_MACHINES", fingerprint: "fp-x", at: new Date(Date.now() - 1000) },
      ],
    });
    const payment = await prisma().payment.create({ data: { userId: user.id, licenseId: license.id, amountCents: 4900, currency: "usd", stripeCheckoutSessionId: `cs_${license.id}` } });
    await deactivateMachine(admin, { licenseId: license.id, machineId: active.id }, IP);
    await suspendLicense(admin, { licenseId: license.id }, IP);
    await prisma().auditLog.create({ data: { actorType: "stripe", action: "payment.create", targetType: "payment", targetId: payment.id } });

    const page = await loadLicensePage(license.id);
    expect(page).not.toBeNull();
    expect(page!.owner.email).toBe(user.email);
    expect(page!.plan).toMatchObject({ id: plan.id, slug: plan.slug, entitlements: ["sync"] });
    expect(page!.product.slug).toBe(plan.product.slug);
    expect(page!.license).toMatchObject({ status: "SUSPENDED", statusReason: "admin", maxMachines: 2, activeMachines: 0, seatOverride: null });
    expect(page!.machines.map((m) => [m.fingerprint, m.holdsSeat, m.deactivatedAt !== null])).toEqual([
      ["fp-active", false, true],
      ["fp-gone", false, true],
    ]);
    expect(page!.machines.map((m) => m.id)).toEqual([active.id, gone.id]);
    expect(page!.validations.map((v) => v.code)).toEqual(["TOO_MANY_MACHINES", "VALID"]);
    expect(page!.stripe).toEqual({ customerId: "cus_1", subscriptionId: `sub_${license.id}`, checkoutSessionId: `cs_${license.id}`, paymentIntentId: "pi_1" });
    expect(page!.payments).toEqual([expect.objectContaining({ id: payment.id, amountCents: 4900, currency: "usd" })]);
    expect(page!.audit.map((a) => a.action)).toEqual(["payment.create", "license.update", "machine.deactivate"]);
  });

  it("is null for an unknown or malformed id", async () => {
    expect(await loadLicensePage("00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await loadLicensePage("not-a-uuid")).toBeNull();
  });
});

describe("status changes", () => {
  it("suspends (the license API answers SUSPENDED), reinstates (VALID again), each audited once with the admin, address and change", async () => {
    const { license, key } = await createLicense();
    expect((await validate(key, {})).decision.code).toBe("VALID");

    expect(await suspendLicense(admin, { licenseId: license.id }, IP)).toMatchObject({ ok: true });
    expect((await validate(key, {})).decision.code).toBe("SUSPENDED");
    expect(await prisma().license.findUnique({ where: { id: license.id } })).toMatchObject({ status: "SUSPENDED", statusReason: "admin" });
    // Again: nothing to change, nothing audited.
    expect((await suspendLicense(admin, { licenseId: license.id }, IP)).message).toMatch(/already suspended/);

    await reinstateLicense(admin, { licenseId: license.id }, IP);
    expect((await validate(key, {})).decision.code).toBe("VALID");
    expect(await prisma().license.findUnique({ where: { id: license.id } })).toMatchObject({ status: "ACTIVE", statusReason: null });

    const entries = await auditEntries("license.update", license.id);
    expect(entries.map((e) => e.data)).toEqual([
      { changes: { status: { from: "ACTIVE", to: "SUSPENDED" } }, via: "console" },
      { changes: { status: { from: "SUSPENDED", to: "ACTIVE" } }, via: "console" },
    ]);
    expect(entries[0]).toMatchObject({ actorType: "user", actorId: admin.id, actorLabel: admin.email, ip: IP, targetType: "license" });
  });

  it("revokes for good: a revoked license can be neither reinstated nor suspended", async () => {
    const { license, key } = await createLicense();
    await revokeLicense(admin, { licenseId: license.id }, IP);
    expect((await validate(key, {})).decision.code).toBe("REVOKED");
    expect((await rejection(reinstateLicense(admin, { licenseId: license.id }, IP)))?.code).toBe("CONFLICT");
    expect((await rejection(suspendLicense(admin, { licenseId: license.id }, IP)))?.code).toBe("CONFLICT");
    // Nor are its terms changed: revocation is final.
    const other = await createPlan({ maxMachines: 7 });
    // Each change starts when the loop reaches it: started together, a later one's rejection went
    // unhandled while the loop still awaited an earlier one (Vitest then fails the whole run).
    for (const change of [
      () => extendLicense(admin, { licenseId: license.id, days: 30 }, IP),
      () => setLicenseExpiry(admin, { licenseId: license.id, expiresAt: null }, IP),
      () => changeLicensePlan(admin, { licenseId: license.id, planId: other.id }, IP),
      () => changeLicenseSeats(admin, { licenseId: license.id, maxMachines: 9 }, IP),
    ]) {
      const error = await rejection(change());
      expect(error?.code).toBe("CONFLICT");
      expect(error?.message).toContain("revoked");
    }
    const after = await prisma().license.findUniqueOrThrow({ where: { id: license.id } });
    expect({ status: after.status, planId: after.planId, maxMachines: after.maxMachines, expiresAt: after.expiresAt }).toEqual({ status: "REVOKED", planId: license.planId, maxMachines: license.maxMachines, expiresAt: license.expiresAt });
    expect(await auditEntries("license.update", license.id)).toHaveLength(1);
  });

  it("answers NOT_FOUND for a license that does not exist", async () => {
    const error = await rejection(suspendLicense(admin, { licenseId: "00000000-0000-4000-8000-000000000000" }, IP));
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.code).toBe("NOT_FOUND");
  });
});

describe("expiry, plan and seats", () => {
  it("extends from the current expiry, or from now once it has passed; a perpetual license has nothing to extend", async () => {
    const future = new Date(Date.now() + 10 * DAY_MS);
    const { license } = await createLicense({ expiresAt: future });
    await extendLicense(admin, { licenseId: license.id, days: 30 }, IP);
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).expiresAt).toEqual(new Date(future.getTime() + 30 * DAY_MS));

    const { license: lapsed, key } = await createLicense({ expiresAt: new Date(Date.now() - 5 * DAY_MS) });
    expect((await validate(key, {})).decision.code).toBe("EXPIRED");
    const before = Date.now();
    await extendLicense(admin, { licenseId: lapsed.id, days: 7 }, IP);
    const extended = (await prisma().license.findUniqueOrThrow({ where: { id: lapsed.id } })).expiresAt!.getTime();
    expect(extended).toBeGreaterThanOrEqual(before + 7 * DAY_MS);
    expect(extended).toBeLessThan(Date.now() + 7 * DAY_MS + 1000);
    expect((await validate(key, {})).decision.code).toBe("VALID");

    const { license: forever } = await createLicense({ durationDays: null });
    expect((await rejection(extendLicense(admin, { licenseId: forever.id, days: 1 }, IP)))?.code).toBe("CONFLICT");
  });

  it("applies concurrent extensions one after the other, under the license's row lock", async () => {
    const start = new Date(Date.now() + 10 * DAY_MS);
    const { license } = await createLicense({ expiresAt: start });
    await Promise.all(Array.from({ length: 5 }, () => extendLicense(admin, { licenseId: license.id, days: 10 }, IP)));
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).expiresAt).toEqual(new Date(start.getTime() + 50 * DAY_MS));
    expect(await auditEntries("license.update", license.id)).toHaveLength(5);
  });

  it("sets an expiry or makes the license perpetual; a license stored as EXPIRED works again with a future date", async () => {
    const { license, key } = await createLicense({ status: "EXPIRED" });
    expect((await validate(key, {})).decision.code).toBe("EXPIRED");
    const date = new Date("2099-06-30T23:59:59.999Z");
    await setLicenseExpiry(admin, { licenseId: license.id, expiresAt: date }, IP);
    expect(await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).toMatchObject({ status: "ACTIVE", expiresAt: date });
    expect((await validate(key, {})).decision.code).toBe("VALID");
    await setLicenseExpiry(admin, { licenseId: license.id, expiresAt: null }, IP);
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).expiresAt).toBeNull();
    const [first, second] = await auditEntries("license.update", license.id);
    expect(first?.data).toMatchObject({ changes: { status: { from: "EXPIRED", to: "ACTIVE" }, expiresAt: { from: null, to: date.toISOString() } } });
    expect(second?.data).toMatchObject({ changes: { expiresAt: { from: date.toISOString(), to: null } } });
  });

  it("changes the plan (the API then reports the new plan's terms) and the seats, back to the plan's with null", async () => {
    const { license, key } = await createLicense({ maxMachines: 1 });
    const bigger = await createPlan({ maxMachines: 5, entitlements: ["pro"] });
    await changeLicensePlan(admin, { licenseId: license.id, planId: bigger.id }, IP);
    expect((await validate(key, {})).license).toMatchObject({ plan: bigger.slug, maxMachines: 5, entitlements: ["pro"] });
    expect((await rejection(changeLicensePlan(admin, { licenseId: license.id, planId: "00000000-0000-4000-8000-000000000000" }, IP)))?.code).toBe("BAD_REQUEST");

    await changeLicenseSeats(admin, { licenseId: license.id, maxMachines: 9 }, IP);
    expect((await validate(key, {})).license?.maxMachines).toBe(9);
    await changeLicenseSeats(admin, { licenseId: license.id, maxMachines: null }, IP);
    expect((await validate(key, {})).license?.maxMachines).toBe(5);
    expect((await auditEntries("license.update", license.id)).map((e) => Object.keys((e.data as { changes: object }).changes))).toEqual([["plan"], ["maxMachines"], ["maxMachines"]]);
  });
});

describe("machines", () => {
  it("deactivates one machine, freeing its seat for another; a second deactivation is NOT_FOUND", async () => {
    const { license, key } = await createLicense({ maxMachines: 1 });
    expect((await activate(key, "fp-old", {})).created).toBe(true);
    expect((await activate(key, "fp-new", {})).decision.code).toBe("TOO_MANY_MACHINES");
    const old = await prisma().machine.findFirstOrThrow({ where: { licenseId: license.id, fingerprint: "fp-old" } });

    await deactivateMachine(admin, { licenseId: license.id, machineId: old.id }, IP);
    expect((await activate(key, "fp-new", {})).created).toBe(true);
    expect((await rejection(deactivateMachine(admin, { licenseId: license.id, machineId: old.id }, IP)))?.code).toBe("NOT_FOUND");
    const [entry] = await auditEntries("machine.deactivate", old.id);
    expect(entry).toMatchObject({ actorType: "user", actorId: admin.id, ip: IP, data: { licenseId: license.id, fingerprint: "fp-old" } });
  });

  it("resets all machines at once, in one audit entry; with none active it changes and audits nothing", async () => {
    const { license, key } = await createLicense({ maxMachines: 2 });
    await activate(key, "fp-a", {});
    await activate(key, "fp-b", {});
    const earlier = await addMachine(license.id, "fp-earlier", new Date(Date.now() - DAY_MS));

    expect((await resetMachines(admin, { licenseId: license.id }, IP)).message).toMatch(/^2 machines deactivated/);
    const machines = await prisma().machine.findMany({ where: { licenseId: license.id } });
    expect(machines.every((m) => m.deactivatedAt !== null)).toBe(true);
    // The older deactivation keeps its own time.
    expect(machines.find((m) => m.id === earlier.id)?.deactivatedAt).toEqual(earlier.deactivatedAt);
    expect((await validate(key, { fingerprint: "fp-a" })).decision.code).toBe("NO_MACHINE");

    expect((await resetMachines(admin, { licenseId: license.id }, IP)).message).toBe("No machine was active.");
    const entries = await auditEntries("license.reset_machines", license.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.data).toMatchObject({ count: 2 });
  });
});

describe("issuing and keys", () => {
  it("issues a license by hand to a new customer, with the plan's expiry, audited as the admin", async () => {
    const plan = await createPlan({ durationDays: 30, maxMachines: 2 });
    const before = Date.now();
    const issued = await issueLicenseByHand(admin, { plan: plan.slug, email: "Fresh.Customer@Example.com", expiry: "plan", sendEmail: false }, IP);
    expect(issued.key).toMatch(/^ZP-([A-HJ-NP-Z2-9]{5}-){3}[A-HJ-NP-Z2-9]{5}$/);
    expect(issued.emailed).toBe(false);
    const outcome = await validate(issued.key, {});
    expect(outcome.decision.code).toBe("VALID");
    expect(outcome.license).toMatchObject({ id: issued.id, plan: plan.slug, maxMachines: 2 });
    const row = await prisma().license.findUniqueOrThrow({ where: { id: issued.id }, include: { user: true } });
    expect(row.user.email).toBe("fresh.customer@example.com");
    expect(row.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 30 * DAY_MS);
    const [entry] = await auditEntries("license.create", issued.id);
    expect(entry).toMatchObject({ actorType: "user", actorId: admin.id, actorLabel: admin.email, ip: IP });
    expect(JSON.stringify(entry?.data)).not.toContain(issued.key);
  });

  it("issues with a chosen date, perpetual, or extra seats, for an existing customer matched by email", async () => {
    const { plan, user } = await createLicense({ durationDays: 30 });
    const email = user.email.toUpperCase();
    const dated = await issueLicenseByHand(admin, { plan: plan.slug, email, expiry: "date", expiresAt: new Date("2031-01-01T23:59:59.999Z"), sendEmail: false }, IP);
    const perpetual = await issueLicenseByHand(admin, { plan: plan.slug, email, expiry: "perpetual", maxMachines: 4, sendEmail: false }, IP);
    const rows = await prisma().license.findMany({ where: { id: { in: [dated.id, perpetual.id] } } });
    expect(rows.find((r) => r.id === dated.id)).toMatchObject({ userId: user.id, expiresAt: new Date("2031-01-01T23:59:59.999Z"), maxMachines: null });
    expect(rows.find((r) => r.id === perpetual.id)).toMatchObject({ userId: user.id, expiresAt: null, maxMachines: 4 });
  });

  it("refuses an unknown plan and writes nothing", async () => {
    const count = await prisma().license.count();
    const error = await rejection(issueLicenseByHand(admin, { plan: "no-such-plan", email: "x@example.com", expiry: "plan", sendEmail: false }, IP));
    expect(error?.code).toBe("BAD_REQUEST");
    expect(await prisma().license.count()).toBe(count);
  });

  it("emails the key when asked, and resends it to the owner, each send audited", async () => {
    const plan = await createPlan();
    const email = `mailme-${Date.now()}@example.com`;
    const issued = await issueLicenseByHand(admin, { plan: plan.slug, email, expiry: "plan", sendEmail: true }, IP);
    expect(issued.emailed).toBe(true);
    const first = await mail.waitFor((m) => m.to.includes(email));
    expect(first.text).toContain(issued.key);
    // Issued by hand: nobody bought anything, so nobody is thanked for buying.
    expect(first.text).toContain(`You have been given a license for ${plan.product.name} ${plan.name}.`);
    expect(first.text).not.toContain("Thank you for buying");

    mail.clear();
    expect((await resendKeyEmail(admin, { licenseId: issued.id }, IP)).message).toContain(email);
    const again = await mail.waitFor((m) => m.to.includes(email));
    expect(again.text).toContain(issued.key);
    expect(again.text).toContain("Here is your license key");
    const entries = await auditEntries("license.email_key", issued.id);
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => JSON.stringify(e.data)).join()).not.toContain(issued.key);
  });

  it("issues while the mail server is down; the key email waits in the outbox and goes out once it is back", async () => {
    const plan = await createPlan();
    const smtp = process.env.SMTP_URL;
    const schedule = process.env.EMAIL_RETRY_SCHEDULE;
    process.env.SMTP_URL = "smtp://127.0.0.1:1"; // nothing listens there
    process.env.EMAIL_RETRY_SCHEDULE = "1,1,1,1,1,1,1,1,1,1";
    try {
      const email = `nomail-${Date.now()}@example.com`;
      const issued = await issueLicenseByHand(admin, { plan: plan.slug, email, expiry: "plan", sendEmail: true }, IP);
      expect(issued.emailed).toBe(true);
      expect(await auditEntries("license.email_key", issued.id)).toHaveLength(1);
      const failing = async () => {
        for (;;) {
          const row = await prisma().emailMessage.findFirst({ where: { toAddress: email } });
          if (row && row.attempts >= 1) return row;
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      const row = await failing();
      expect(row).toMatchObject({ kind: "license_key", status: "PENDING" });
      expect(row.lastError).toMatch(/ECONNREFUSED|connect/);
      expect(row.bodyCiphertext).not.toContain(issued.key);
      process.env.SMTP_URL = smtp;
      const sent = await mail.waitFor((m) => m.to.includes(email));
      expect(sent.text).toContain(issued.key);
    } finally {
      process.env.SMTP_URL = smtp;
      process.env.EMAIL_RETRY_SCHEDULE = schedule;
      if (schedule === undefined) delete process.env.EMAIL_RETRY_SCHEDULE;
    }
  });

  it("reveals the key to an admin and records that it did", async () => {
    const { license, key } = await createLicense();
    expect(await revealLicenseKey(admin, { licenseId: license.id }, IP)).toBe(key);
    expect(await auditEntries("license.reveal_key", license.id)).toHaveLength(1);
  });
});
