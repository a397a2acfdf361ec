// Free trials end to end on a real database: issuing (one per customer and
// product, concurrency included), the key email and webhook event recorded with
// it, and the license API refusing a machine that ran a trial of the product
// before (TRIAL_ALREADY_USED) while everything else activates as usual.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/client";
import { revealKeyForUser } from "../portal/licenses";
import { call } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { createPlan } from "../test/licenses";
import { issueLicense } from "./issue";
import { startTrial, TrialError } from "./trials";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();

const DAY_MS = 86_400_000;

async function customer() {
  const email = `trial-${randomBytes(4).toString("hex")}@example.com`;
  return prisma().user.create({ data: { email } });
}

async function trialPlan(trialDays: number | null = 14, productId?: string) {
  const plan = await createPlan({ maxMachines: 2, durationDays: 365 });
  if (productId) await prisma().plan.update({ where: { id: plan.id }, data: { productId } });
  return prisma().plan.update({ where: { id: plan.id }, data: { trialDays }, include: { product: true } });
}

/** Starts a trial and answers its clear key (the customer reads it in the portal or the email). */
async function trialKey(user: { id: string; email: string }, planSlug: string) {
  const started = await startTrial(user, planSlug);
  return { ...started, key: (await revealKeyForUser(user.id, started.licenseId))! };
}

const activate = (key: string, fingerprint: string) => call("/api/v1/licenses/activate", { key, fingerprint });

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TrialError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a TrialError");
}

describe("starting a trial", () => {
  it("issues a trial license expiring after the plan's trialDays, with its audit entry, key email and license.created event", async () => {
    const plan = await trialPlan(14);
    const user = await customer();
    const before = Date.now();
    const started = await startTrial(user, plan.slug);
    expect(started.created).toBe(true);

    const license = await prisma().license.findUniqueOrThrow({ where: { id: started.licenseId } });
    expect(license).toMatchObject({ trial: true, status: "ACTIVE", userId: user.id, planId: plan.id, stripeSubscriptionId: null });
    expect(license.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 14 * DAY_MS);
    expect(license.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 14 * DAY_MS);

    const audit = await prisma().auditLog.findMany({ where: { targetId: license.id, action: "license.create" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "user", actorId: user.id, data: { trial: true, plan: plan.slug, email: user.email } });
    const emails = await prisma().emailMessage.findMany({ where: { toAddress: user.email } });
    expect(emails.map((e) => [e.kind, e.subject])).toEqual([["license_key", `Your license key for ${plan.product.name} ${plan.name}`]]);
    const events = await prisma().webhookEvent.findMany({ where: { type: "license.created" } });
    expect(events.filter((e) => (e.payload as { data: { license: { id: string } } }).data.license.id === license.id)).toHaveLength(1);

    // The license API tells the application it is valid, until the trial's expiry.
    const { key } = await trialKey(user, plan.slug);
    const valid = await call("/api/v1/licenses/validate", { key });
    expect(valid.json).toMatchObject({ valid: true, code: "VALID", license: { plan: plan.slug, expiresAt: license.expiresAt!.toISOString() } });
  });

  it("gives one trial per customer and product: asking again while it runs answers the same license; after it ended, refused", async () => {
    const plan = await trialPlan(7);
    const sibling = await trialPlan(30, plan.productId);
    const user = await customer();
    const first = await startTrial(user, plan.slug);
    const again = await startTrial(user, sibling.slug);
    expect(again).toEqual({ licenseId: first.licenseId, expiresAt: first.expiresAt, created: false });
    expect(await prisma().license.count({ where: { userId: user.id } })).toBe(1);

    // The trial ended (or was bought): no second one, whichever plan of the product.
    await prisma().license.update({ where: { id: first.licenseId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await refusal(startTrial(user, plan.slug))).toEqual({
      code: "used",
      message: `You have had a free trial of ${plan.product.name} already; buy a plan to keep using it.`,
    });
    // Another product's trial is another trial.
    const other = await trialPlan(7);
    expect((await startTrial(user, other.slug)).created).toBe(true);
  });

  it("issues exactly one license when the same customer starts a trial five times at once", async () => {
    const plan = await trialPlan(14);
    const user = await customer();
    const results = await Promise.all(Array.from({ length: 5 }, () => startTrial(user, plan.slug)));
    expect(new Set(results.map((r) => r.licenseId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await prisma().license.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses a plan without a trial and one not on sale", async () => {
    const plan = await trialPlan(null);
    const user = await customer();
    expect(await refusal(startTrial(user, plan.slug))).toEqual({ code: "notrial", message: `The ${plan.name} plan has no free trial.` });
    expect((await refusal(startTrial(user, "no-such-plan"))).code).toBe("plan");
    const archived = await trialPlan(14);
    await prisma().plan.update({ where: { id: archived.id }, data: { archivedAt: new Date() } });
    expect((await refusal(startTrial(user, archived.slug))).code).toBe("plan");
    expect(await prisma().license.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("one trial per machine and product (TRIAL_ALREADY_USED)", () => {
  it("refuses a machine that held a trial license of the product on another trial license of it", async () => {
    const plan = await trialPlan(14);
    const first = await trialKey(await customer(), plan.slug);
    expect((await activate(first.key, "machine-F")).status).toBe(201);

    // A second account, a second trial of the same product, the same machine: refused, nothing stored.
    const second = await trialKey(await customer(), plan.slug);
    const refused = await activate(second.key, "machine-F");
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      valid: false,
      code: "TRIAL_ALREADY_USED",
      detail: "This machine has used a free trial of this product already; buy a license to keep using it.",
      license: { activeMachines: 0 },
      machine: null,
    });
    expect(await prisma().machine.count({ where: { licenseId: second.licenseId } })).toBe(0);
    // Another machine may use that trial; the refused one validates as not activated.
    expect((await activate(second.key, "machine-G")).status).toBe(201);
    expect((await call("/api/v1/licenses/validate", { key: second.key, fingerprint: "machine-F" })).json.code).toBe("MACHINE_MISMATCH");
    // Deactivating it on the first trial does not free it for another trial.
    expect((await call("/api/v1/licenses/deactivate", { key: first.key, fingerprint: "machine-F" })).status).toBe(200);
    expect((await activate(second.key, "machine-F")).json.code).toBe("TRIAL_ALREADY_USED");
    // Its own trial takes it back.
    expect((await activate(first.key, "machine-F")).status).toBe(201);
  });

  it("lets that machine activate a bought license of the product, and a trial of another product", async () => {
    const plan = await trialPlan(14);
    const trial = await trialKey(await customer(), plan.slug);
    expect((await activate(trial.key, "machine-H")).status).toBe(201);

    const buyer = await customer();
    const { key: paidKey } = await prisma().$transaction((tx) => issueLicense(tx, { plan, userId: buyer.id }));
    expect((await activate(paidKey, "machine-H")).status).toBe(201);

    const otherProduct = await trialPlan(14);
    const otherTrial = await trialKey(await customer(), otherProduct.slug);
    expect((await activate(otherTrial.key, "machine-H")).status).toBe(201);
  });

  it("refuses the machine the same way through the seed-compatible endpoint, which activates on first validation", async () => {
    const plan = await trialPlan(14);
    const first = await trialKey(await customer(), plan.slug);
    expect(await call("/api/validate", { key: first.key, machine_id: "machine-J" })).toMatchObject({ status: 200, json: { valid: true } });
    const second = await trialKey(await customer(), plan.slug);
    expect(await call("/api/validate", { key: second.key, machine_id: "machine-J" })).toMatchObject({ status: 403, json: { valid: false } });
    expect(await prisma().machine.count({ where: { licenseId: second.licenseId } })).toBe(0);
  });
});
