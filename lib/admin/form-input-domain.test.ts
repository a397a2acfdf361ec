// API.md "Input domain" on the console's and the portal's forms: text holding U+0000 or
// an unpaired UTF-16 surrogate is refused with a message beside the field and writes
// nothing, exactly as the JSON APIs refuse it, in every text field of every form.
//
// A browser's FormData can carry U+0000 but no lone surrogate (FormData takes
// USVStrings: a lone half becomes U+FFFD), so surrogates are sent the other way a
// server action can be reached: its form argument as a plain object, which the
// action factory takes as it is.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../auth/session";
import { prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { ApiError } from "../http/errors";
import { EMAIL_MESSAGE, TEXT_MESSAGE } from "../http/input";
import { offerLicense } from "../gifts/offers";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { consoleActions, type ConsoleActions } from "./console-actions";
import type { ActionState } from "./action-state";
import { createEndpoint } from "../webhooks/endpoints";
import { createUser, databaseFingerprint, fakeDeps, form, RedirectedTo } from "./test-kit";

setupTestDatabase();

let mail: MailCatcher;
let admin: SessionUser;

beforeAll(async () => {
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
  admin = await createUser("ADMIN");
});
afterAll(async () => {
  await mail.stop();
});

async function fixture() {
  const { license, plan, user } = await createLicense({ maxMachines: 3, durationDays: 30 });
  const event = await prisma().stripeEvent.create({
    data: { id: `evt_${license.id}`, type: "console.test_event", status: "FAILED", error: "boom", payload: { id: `evt_${license.id}`, type: "console.test_event", created: 1_700_000_000, data: { object: { id: "obj_1" } } } },
  });
  const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: "http://127.0.0.1:9/hooks" });
  return { license, plan, user, event, endpoint };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

const unique = () => Math.random().toString(36).slice(2, 10);

/** What the shared types answer for a field: free text says why, typed text says what it must be. */
const FREE_TEXT = TEXT_MESSAGE;

/**
 * Each console form that takes typed text: a valid form (the admin's same form goes through)
 * and its text fields, each with the message the field must show for ill-formed text
 * (null: any message, for fields whose own shape already rules the character out).
 */
const forms: Partial<Record<keyof ConsoleActions, { valid: (f: Fixture) => Record<string, string>; fields: Record<string, string | null> }>> = {
  issueLicense: {
    valid: (f) => ({ plan: f.plan.slug, email: `new-${unique()}@example.com`, expiry: "plan" }),
    fields: { plan: null, email: EMAIL_MESSAGE },
  },
  changeLicenseOwner: {
    valid: (f) => ({ licenseId: f.license.id, email: `heir-${unique()}@example.com` }),
    fields: { email: EMAIL_MESSAGE },
  },
  createProduct: {
    valid: () => ({ slug: `p-${unique()}`, name: "New product", description: "Made by hand" }),
    fields: { slug: null, name: FREE_TEXT, description: FREE_TEXT },
  },
  updateProduct: {
    valid: (f) => ({ productId: f.plan.productId, name: "Renamed", description: "Now with more" }),
    fields: { name: FREE_TEXT, description: FREE_TEXT },
  },
  createRelease: {
    valid: (f) => ({ product: f.plan.product.slug, version: `1.0.${Math.floor(Math.random() * 1e6)}`, channel: "stable", notes: "Fixes", entitlements: "pro" }),
    fields: { product: null, version: null, notes: FREE_TEXT, entitlements: null },
  },
  createPlan: {
    valid: (f) => ({ productId: f.plan.productId, slug: `plan-${unique()}`, name: "Gold", description: "Shiny", maxMachines: "2", stripePriceId: `price_${unique()}`, entitlements: "sync" }),
    fields: { slug: null, name: FREE_TEXT, description: FREE_TEXT, stripePriceId: FREE_TEXT, entitlements: null, currency: null, price: null },
  },
  updatePlan: {
    valid: (f) => ({ planId: f.plan.id, name: "Renamed plan", description: "Better", maxMachines: "5", stripePriceId: `price_${unique()}` }),
    fields: { name: FREE_TEXT, description: FREE_TEXT, stripePriceId: FREE_TEXT, entitlements: null },
  },
  setEntitlementNames: {
    valid: (f) => ({ productId: f.plan.productId, names: `sync = Cloud sync ${unique()}` }),
    fields: { names: `Line 1: ${FREE_TEXT}` },
  },
  updateStoreSettings: {
    valid: () => ({ name: `Store ${unique()}`, headline: "Tools for makers", description: "Hello" }),
    fields: { name: FREE_TEXT, headline: FREE_TEXT, description: FREE_TEXT },
  },
  rerunStripeEvent: { valid: (f) => ({ eventId: f.event.id }), fields: { eventId: FREE_TEXT } },
  createApiToken: { valid: () => ({ name: "Deploy bot" }), fields: { name: FREE_TEXT } },
  createWebhookEndpoint: {
    valid: () => ({ url: "https://crm.example.com/hooks", description: "CRM", "event:license.created": "on" }),
    fields: { url: null, description: FREE_TEXT },
  },
  updateWebhookEndpoint: {
    valid: (f) => ({ endpointId: f.endpoint.id, url: "https://crm.example.com/other", description: "CRM 2" }),
    fields: { url: null, description: FREE_TEXT },
  },
};

/** Where an ill-formed character sits in a value: the whole value, or inside valid text. */
const badChar = fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF");
const wellFormed = fc.string({ unit: "grapheme", maxLength: 8 }).filter((s) => !s.includes("\u0000"));
const badValue = fc.tuple(wellFormed, badChar, wellFormed).map(([a, c, b]) => `${a}${c}${b}`);
/** For the line-per-entry fields (entitlement names): the bad character inside the name part. */
const placed = (field: string, value: string) => (field === "names" ? `sync = Cloud ${value} sync` : value);

async function run(name: keyof ConsoleActions, data: FormData | Record<string, string>): Promise<ActionState & { redirectedTo?: string }> {
  const deps = fakeDeps(admin);
  try {
    // The factory takes a plain object as well as FormData (see the note at the top).
    return await consoleActions(deps)[name]({}, data as FormData);
  } catch (error) {
    if (error instanceof RedirectedTo) return { ok: true, redirectedTo: error.url };
    throw error;
  }
}

const names = Object.keys(forms) as (keyof ConsoleActions)[];

describe.each(names)("console form %s", (name) => {
  const spec = forms[name]!;

  it("shows the text type's message beside each text field holding U+0000 or a lone surrogate, and writes nothing", async () => {
    const f = await fixture();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(spec.fields)), badValue, fc.boolean(), async (field, bad, asFormData) => {
        const value = placed(field, bad);
        // FormData turns a lone surrogate into U+FFFD, so it only carries the NUL cases.
        const viaForm = asFormData && value.includes("\u0000");
        const fields = { ...spec.valid(f), [field]: value };
        const before = await databaseFingerprint();
        const state = await run(name, viaForm ? form(fields) : fields);
        expect(state.ok, JSON.stringify({ field, value, state })).toBeUndefined();
        expect(state.error).toBe("Check the form: some values are not valid.");
        const expected = spec.fields[field];
        // As the form shows it beside the field (components/admin/field-errors.tsx): the field's own, or one of its parts' (`entitlements.0`).
        const message = state.fieldErrors?.[field] ?? Object.entries(state.fieldErrors ?? {}).find(([key]) => key.startsWith(`${field}.`))?.[1];
        if (expected === null) expect(message, JSON.stringify({ field, value, state })).toEqual(expect.any(String));
        else expect(message, JSON.stringify({ field, value, state })).toBe(expected);
        expect(await databaseFingerprint()).toEqual(before);
      }),
      { numRuns: 25 },
    );
    // The same form without the bad character goes through, so the refusal above was the character's doing.
    const state = await run(name, form(spec.valid(f)));
    expect(state.ok === true || typeof state.secret === "string", JSON.stringify(state)).toBe(true);
  });
});

describe("numbers and durations in console forms", () => {
  it("refuses zero, negative, fractional and huge days, seats and plan durations beside the field, and writes nothing", async () => {
    const f = await fixture();
    const cases: [keyof ConsoleActions, (value: string) => Record<string, string>, string][] = [
      ["extendLicense", (days) => ({ licenseId: f.license.id, days }), "days"],
      ["changeLicenseSeats", (maxMachines) => ({ licenseId: f.license.id, maxMachines }), "maxMachines"],
      ["createPlan", (trialDays) => ({ productId: f.plan.productId, slug: `plan-${unique()}`, name: "Gold", maxMachines: "2", trialDays }), "trialDays"],
      ["createPlan", (durationDays) => ({ productId: f.plan.productId, slug: `plan-${unique()}`, name: "Gold", maxMachines: "2", durationDays }), "durationDays"],
      ["updatePlan", (heartbeatSeconds) => ({ planId: f.plan.id, name: "Gold", maxMachines: "2", heartbeatSeconds }), "heartbeatSeconds"],
    ];
    const values = fc.oneof(
      fc.constantFrom("0", "-1", "-30", "1.5", "1e400", "-1e400", "9007199254740993", "99999999999999999999", "NaN", "Infinity", "0x10", "1e2x"),
      fc.bigInt({ min: -(2n ** 70n), max: 0n }).map(String),
      fc.bigInt({ min: 2n ** 31n, max: 2n ** 70n }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), values, async ([name, fields, field], value) => {
        const before = await databaseFingerprint();
        const state = await run(name, form(fields(value)));
        expect(state.ok, JSON.stringify({ name, value, state })).toBeUndefined();
        expect(state.fieldErrors?.[field], JSON.stringify({ name, value, state })).toEqual(expect.any(String));
        expect(await databaseFingerprint()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});

describe("portal forms", () => {
  it("refuses a gift's recipient address holding U+0000 or a lone surrogate, and offers nothing", async () => {
    const f = await fixture();
    const owner = { id: f.user.id, email: f.user.email };
    await fc.assert(
      fc.asyncProperty(badChar, fc.constantFrom("front", "local", "domain", "end"), async (c, where) => {
        const to = { front: `${c}kim@example.com`, local: `ki${c}m@example.com`, domain: `kim@exa${c}mple.com`, end: `kim@example.com${c}` }[where]!;
        const before = await databaseFingerprint();
        const error = await offerLicense(owner, { licenseId: f.license.id, email: to }, "203.0.113.5").then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ApiError);
        expect(error).toMatchObject({ code: "BAD_REQUEST", message: "Must be exactly one email address" });
        expect(await databaseFingerprint()).toEqual(before);
      }),
      { numRuns: 20 },
    );
    expect((await offerLicense(owner, { licenseId: f.license.id, email: `friend-${unique()}@example.com` }, "203.0.113.5")).toEmail).toMatch(/^friend-/);
  });
});
