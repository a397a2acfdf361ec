// Every console server action, called the way a browser (or anyone with the
// action's id) can call it: a customer and a signed-out caller are refused and
// the database, the audit log and the outbox stay exactly as they were; the
// same form from an admin goes through and changes something, which shows the
// refusal is the guard's doing and not a bad form.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../auth/session";
import { prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { setupTestDatabase } from "../test/database";
import { createLicense, createPlan } from "../test/licenses";
import { createApiToken } from "../admin-api/auth";
import { enqueueEmail } from "../email/outbox";
import { createEndpoint, sendTestEvent } from "../webhooks/endpoints";
import { consoleActions, type ConsoleActions } from "./console-actions";
import { NOT_ALLOWED, SESSION_ENDED } from "./guard";
import { createUser, databaseFingerprint, fakeDeps, form, RedirectedTo } from "./test-kit";

setupTestDatabase();

let mail: MailCatcher;
let admin: SessionUser;
let customer: SessionUser;

beforeAll(async () => {
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
  admin = await createUser("ADMIN");
  customer = await createUser("CUSTOMER");
});
afterAll(async () => {
  await mail.stop();
});

/** A fresh set of objects for each action, so no action's test depends on another's. */
async function fixture() {
  const { license, plan } = await createLicense({ maxMachines: 3, durationDays: 30 });
  const machine = await prisma().machine.create({ data: { licenseId: license.id, fingerprint: `fp-${license.id}` } });
  const otherPlan = await createPlan();
  const unusedPlan = await createPlan();
  const event = await prisma().stripeEvent.create({
    data: {
      id: `evt_${license.id}`,
      type: "console.test_event",
      status: "FAILED",
      error: "boom",
      payload: { id: `evt_${license.id}`, type: "console.test_event", created: 1_700_000_000, data: { object: { id: "obj_1" } } },
    },
  });
  const { hash, hint } = createApiToken();
  const token = await prisma().apiToken.create({ data: { name: "CI", tokenHash: hash, hint } });
  const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: "http://127.0.0.1:9/hooks" });
  const testEvent = await sendTestEvent({ actor: { type: "system" } }, endpoint.id);
  const delivery = await prisma().webhookDelivery.findFirstOrThrow({ where: { eventId: testEvent.eventId } });
  const emailId = await prisma().$transaction((tx) => enqueueEmail(tx, { kind: "license_key", to: "x@example.com", subject: "Key", text: "key" }));
  await prisma().emailMessage.update({ where: { id: emailId }, data: { status: "FAILED", attempts: 12 } });
  return { license, plan, machine, otherPlan, unusedPlan, event, token, endpoint, delivery, emailId };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;
const unique = () => Math.random().toString(36).slice(2, 10);

// `satisfies` makes a new action without a case here a type error.
const forms = {
  issueLicense: (f: Fixture) => form({ plan: f.plan.slug, email: `new-${unique()}@example.com`, expiry: "plan" }),
  suspendLicense: (f: Fixture) => form({ licenseId: f.license.id }),
  reinstateLicense: async (f: Fixture) => {
    await prisma().license.update({ where: { id: f.license.id }, data: { status: "SUSPENDED" } });
    return form({ licenseId: f.license.id });
  },
  revokeLicense: (f: Fixture) => form({ licenseId: f.license.id, confirm: "yes" }),
  setLicenseExpiry: (f: Fixture) => form({ licenseId: f.license.id, expiresAt: "2099-01-31" }),
  extendLicense: (f: Fixture) => form({ licenseId: f.license.id, days: 30 }),
  changeLicensePlan: (f: Fixture) => form({ licenseId: f.license.id, planId: f.otherPlan.id }),
  changeLicenseSeats: (f: Fixture) => form({ licenseId: f.license.id, maxMachines: 7 }),
  deactivateMachine: (f: Fixture) => form({ licenseId: f.license.id, machineId: f.machine.id }),
  resetMachines: (f: Fixture) => form({ licenseId: f.license.id, confirm: "yes" }),
  resendKeyEmail: (f: Fixture) => form({ licenseId: f.license.id }),
  revealLicenseKey: (f: Fixture) => form({ licenseId: f.license.id }),
  changeLicenseOwner: (f: Fixture) => form({ licenseId: f.license.id, email: `heir-${unique()}@example.com` }),
  regenerateLicenseKey: (f: Fixture) => form({ licenseId: f.license.id, confirm: "yes" }),
  createProduct: () => form({ slug: `p-${unique()}`, name: "New product" }),
  createRelease: (f: Fixture) => form({ product: f.plan.product.slug, version: `1.0.${Math.floor(Math.random() * 1e6)}`, channel: "stable" }),
  setReleaseStatus: async (f: Fixture) => {
    const release = await prisma().release.create({ data: { productId: f.plan.productId, version: `0.0.${Math.floor(Math.random() * 1e6)}`, status: "DRAFT" } });
    return form({ releaseId: release.id, status: "PUBLISHED" });
  },
  updateProduct: (f: Fixture) => form({ productId: f.plan.productId, name: "Renamed" }),
  archiveProduct: (f: Fixture) => form({ productId: f.plan.productId }),
  restoreProduct: async (f: Fixture) => {
    await prisma().product.update({ where: { id: f.plan.productId }, data: { archivedAt: new Date() } });
    return form({ productId: f.plan.productId });
  },
  createPlan: (f: Fixture) => form({ productId: f.plan.productId, slug: `plan-${unique()}`, name: "Gold", maxMachines: 2 }),
  updatePlan: (f: Fixture) => form({ planId: f.plan.id, name: "Renamed plan", maxMachines: 5 }),
  archivePlan: (f: Fixture) => form({ planId: f.plan.id }),
  restorePlan: async (f: Fixture) => {
    await prisma().plan.update({ where: { id: f.plan.id }, data: { archivedAt: new Date() } });
    return form({ planId: f.plan.id });
  },
  deletePlan: (f: Fixture) => form({ planId: f.unusedPlan.id, confirm: "yes" }),
  setEntitlementNames: (f: Fixture) => form({ productId: f.plan.productId, names: `sync = Cloud sync ${unique()}` }),
  updateStoreSettings: () => form({ name: `Store ${unique()}`, headline: "Tools for makers" }),
  rerunStripeEvent: (f: Fixture) => form({ eventId: f.event.id }),
  createApiToken: () => form({ name: "Deploy bot" }),
  revokeApiToken: (f: Fixture) => form({ tokenId: f.token.id, confirm: "yes" }),
  createWebhookEndpoint: () => form({ url: "https://crm.example.com/hooks", "event:license.created": "on" }),
  updateWebhookEndpoint: (f: Fixture) => form({ endpointId: f.endpoint.id, url: "https://crm.example.com/other", "event:license.revoked": "on" }),
  enableWebhookEndpoint: async (f: Fixture) => {
    await prisma().webhookEndpoint.update({ where: { id: f.endpoint.id }, data: { enabled: false } });
    return form({ endpointId: f.endpoint.id });
  },
  disableWebhookEndpoint: (f: Fixture) => form({ endpointId: f.endpoint.id }),
  sendWebhookTest: (f: Fixture) => form({ endpointId: f.endpoint.id }),
  deleteWebhookEndpoint: (f: Fixture) => form({ endpointId: f.endpoint.id, confirm: "yes" }),
  retryWebhookDelivery: (f: Fixture) => form({ deliveryId: f.delivery.id }),
  resendEmail: (f: Fixture) => form({ emailId: f.emailId }),
} satisfies Record<keyof ConsoleActions, (f: Fixture) => FormData | Promise<FormData>>;

const names = Object.keys(forms) as (keyof ConsoleActions)[];

it("covers every console action", () => {
  expect(names.sort()).toEqual(Object.keys(consoleActions(fakeDeps(null))).sort());
});

it("exports every console action, and nothing else, from the app's server actions module", () => {
  // Read, not imported: the module builds the actions with Next's request APIs.
  const source = readFileSync(path.join(import.meta.dirname, "../../app/admin/actions.ts"), "utf8");
  const exported = [...source.matchAll(/^export const (\w+) = actions\.(\w+);$/gm)].map((m) => {
    expect(m[1]).toBe(m[2]);
    return m[1];
  });
  expect(source.match(/^export /gm)?.length).toBe(exported.length);
  expect(exported.sort()).toEqual([...names].sort());
});

it("checks the session and the admin role first thing on every console page, not only in the layout", () => {
  // Read, not rendered: the layout lets a signed-out visitor through to the page,
  // whose own requireAdmin is all that sends them to sign in.
  const root = path.join(import.meta.dirname, "../../app/admin");
  const pages = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => path.basename(file) === "page.tsx");
  expect(pages.length).toBeGreaterThan(10);
  for (const page of pages) {
    const source = readFileSync(path.join(root, page), "utf8");
    const guarded = /export default async function \w+\([^)]*\)[^{]*\{\s*(const \{ id \} = await props\.params;\s*)?await requireAdmin\(/;
    expect(source, page).toMatch(guarded);
  }
});

async function run(name: keyof ConsoleActions, user: SessionUser | null, data: FormData) {
  const deps = fakeDeps(user);
  try {
    return { state: await consoleActions(deps)[name]({}, data), deps };
  } catch (error) {
    if (error instanceof RedirectedTo) return { state: { ok: true, redirectedTo: error.url }, deps };
    throw error;
  }
}

describe.each(names)("%s", (name) => {
  it("refuses a customer and a signed-out caller, and changes nothing; an admin's same form goes through", async () => {
    const f = await fixture();
    const data = await forms[name](f);
    const before = await databaseFingerprint();
    const mails = mail.messages().length;

    for (const [user, error] of [[customer, NOT_ALLOWED], [null, SESSION_ENDED]] as const) {
      const { state, deps } = await run(name, user, data);
      expect(state).toEqual({ error });
      expect(deps.changes).toBe(0);
    }
    expect(await databaseFingerprint()).toEqual(before);
    expect(mail.messages().length).toBe(mails);

    const { state } = await run(name, admin, data);
    // Done: ok, or (revealing a key) the secret itself.
    expect(state.ok === true || typeof (state as { secret?: unknown }).secret === "string", JSON.stringify(state)).toBe(true);
    expect(await databaseFingerprint()).not.toEqual(before);
  });
});
