/* eslint-disable @typescript-eslint/no-explicit-any -- rows and bodies are JSON, checked field by field */
// Plan changes through Stripe, end to end: the official SDK against the local
// Stripe emulator, whose signed webhooks reach the real route handler over HTTP,
// on a real database. Subscriptions change plan and quantity (prorated), one-off
// licenses upgrade by checkout, trials convert (ours and Stripe's), and the same
// key keeps its machines throughout.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/stripe/webhook/route";
import { prisma } from "../db/client";
import { minorUnits } from "../catalog/money";
import { startTrial } from "../licensing/trials";
import { revealKeyForUser } from "../portal/licenses";
import { listOrdersForUser } from "../portal/orders";
import { call } from "../test/api-client";
import { refuseAuditEntries } from "../test/audit-failure";
import { setupTestDatabase } from "../test/database";
import { startStripeEmulator, type StripeEmulator } from "./emulator/server";
import { createCheckoutSession } from "./checkout";
import { stripe } from "./stripe-client";
import { changeSubscription, createUpgradeCheckout, planChangeOffer, PlanChangeError } from "./upgrades";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();

const SECRET = "whsec_test_upgrades";
const DAY_MS = 86_400_000;
const PRICES = {
  price_up_basic: { unitAmount: 1000, currency: "usd", recurring: { interval: "month" as const } },
  price_up_pro: { unitAmount: 3000, currency: "usd", recurring: { interval: "month" as const } },
  price_up_yearly: { unitAmount: 10000, currency: "usd", recurring: { interval: "year" as const } },
  price_up_trialing: { unitAmount: 2000, currency: "usd", recurring: { interval: "month" as const } },
  price_up_solo: { unitAmount: 4900, currency: "usd", recurring: null },
  price_up_plus: { unitAmount: 9900, currency: "usd", recurring: null },
};

let emulator: StripeEmulator;
let server: http.Server;
let productId: string;
const ENV = ["STRIPE_SECRET_KEY", "STRIPE_API_HOST", "STRIPE_API_PORT", "STRIPE_API_PROTOCOL", "STRIPE_WEBHOOK_SECRET", "APP_URL"];
const savedEnv = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

/** The portal's webhook endpoint over real HTTP: the route handler, as Next would call it. */
async function startWebhookEndpoint(): Promise<string> {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const response = await webhookRoute(
        new Request("http://portal.test/api/stripe/webhook", { method: "POST", headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }),
      );
      res.writeHead(response.status, { "content-type": "application/json" }).end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stripe/webhook`;
}

beforeAll(async () => {
  emulator = await startStripeEmulator({ webhookUrl: await startWebhookEndpoint(), webhookSecret: SECRET, prices: PRICES });
  Object.assign(process.env, {
    STRIPE_SECRET_KEY: "sk_test_emulator",
    STRIPE_API_HOST: emulator.host,
    STRIPE_API_PORT: String(emulator.port),
    STRIPE_API_PROTOCOL: "http",
    STRIPE_WEBHOOK_SECRET: SECRET,
    APP_URL: "http://portal.test",
  });
  const product = await prisma().product.create({ data: { slug: "upgrades-app", name: "Upgrades App" } });
  productId = product.id;
  const plan = (slug: string, data: Record<string, unknown>) =>
    prisma().plan.create({ data: { productId, slug, name: slug, maxMachines: 1, stripePriceId: `price_${slug.replaceAll("-", "_")}`, ...data } });
  await plan("up-basic", { maxMachines: 2, durationDays: 31, priceCents: 1000, billingInterval: "month", sortOrder: 1 });
  await plan("up-pro", { maxMachines: 5, durationDays: 31, priceCents: 3000, billingInterval: "month", sortOrder: 2 });
  await plan("up-yearly", { maxMachines: 3, durationDays: 365, priceCents: 10000, billingInterval: "year", sortOrder: 5 });
  await plan("up-solo", { maxMachines: 1, priceCents: 4900, trialDays: 14, sortOrder: 3 });
  await plan("up-plus", { maxMachines: 3, priceCents: 9900, sortOrder: 4 });
});

afterAll(async () => {
  await emulator.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const name of ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

let counter = 0;
async function customer() {
  return prisma().user.create({ data: { email: `upgrader-${Date.now()}-${++counter}@example.com` } });
}

/** Pays a hosted checkout page the way the buyer's browser does; resolves once its webhooks were delivered. */
async function pay(url: string, email: string) {
  const res = await fetch(`${url}/pay`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email }), redirect: "manual" });
  expect(res.status).toBe(303);
  return res.headers.get("location")!;
}

async function buy(planSlug: string, user: { id: string; email: string }) {
  await pay(await createCheckoutSession(planSlug, user), user.email);
  const license = await prisma().license.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, include: { plan: true } });
  return { license, key: (await revealKeyForUser(user.id, license.id))! };
}

/** Waits for the emulator's asynchronous webhook delivery to reach the license. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 80; i++) {
    const value = await read();
    if (done(value)) return value;
    await sleep(100);
  }
  return read();
}

const licenseRow = (id: string) => prisma().license.findUniqueOrThrow({ where: { id }, include: { plan: true } });
const activate = (key: string, fingerprint: string) => call("/api/v1/licenses/activate", { key, fingerprint });
const updatedEvents = async (licenseId: string) =>
  (await prisma().webhookEvent.findMany({ where: { type: "license.updated" }, orderBy: { createdAt: "asc" } }))
    .map((e) => (e.payload as any).data)
    .filter((d) => d.license.id === licenseId);

describe("subscriptions: plan and quantity through Stripe", () => {
  it("upgrades basic → pro, prorated and invoiced at once; the webhook moves the license, audited and announced", async () => {
    const user = await customer();
    const { license, key } = await buy("up-basic", user);
    expect((await activate(key, "sub-A")).status).toBe(201);

    const change = await changeSubscription(user, license.id, "up-pro", 1, "198.51.100.7");
    expect(change).toEqual({ plan: "up-pro", name: "up-pro", quantity: 1, seats: 5 });
    // Who asked, and from where: the customer, audited once Stripe accepted.
    const asked = await prisma().auditLog.findMany({ where: { targetId: license.id, action: "license.plan_change" } });
    expect(asked.map((a) => [a.actorType, a.actorId, a.actorLabel, a.ip, a.data])).toEqual([
      ["user", user.id, user.email, "198.51.100.7", { via: "portal", subscription: license.stripeSubscriptionId, plan: { from: "up-basic", to: "up-pro" }, quantity: { from: 1, to: 1 } }],
    ]);
    const moved = await eventually(() => licenseRow(license.id), (l) => l.plan.slug === "up-pro");
    expect(moved).toMatchObject({ maxMachines: null, stripeSubscriptionId: license.stripeSubscriptionId, keyHash: license.keyHash });

    // Stripe's subscription has the new price; the proration was invoiced and recorded as a payment.
    const subscription = await stripe().subscriptions.retrieve(license.stripeSubscriptionId!);
    expect(subscription.items.data.map((i) => [i.price.id, i.quantity])).toEqual([["price_up_pro", 1]]);
    const payments = await eventually(
      () => prisma().payment.findMany({ where: { licenseId: license.id }, orderBy: { createdAt: "asc" } }),
      (p) => p.length === 2,
    );
    expect(minorUnits(payments[1]!.amountCents)).toBeGreaterThan(1900); // (3000 − 1000) × nearly the whole month
    expect(minorUnits(payments[1]!.amountCents)).toBeLessThanOrEqual(2000);
    // The customer's orders call the prorated invoice a change, not a renewal.
    expect((await listOrdersForUser(user.id)).map((o) => [o.kind, o.planName])).toEqual([
      ["change", "up-pro"],
      ["purchase", "up-basic"],
    ]);

    const audit = await prisma().auditLog.findMany({ where: { targetId: license.id, action: "license.update", actorType: "stripe" } });
    expect(audit.map((a) => (a.data as any).changes)).toContainEqual({ plan: { from: "up-basic", to: "up-pro" } });
    expect((await updatedEvents(license.id)).map((d) => d.changes)).toContainEqual({ plan: { from: "up-basic", to: "up-pro" } });

    // Same key, same machine, the new plan's seats.
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "sub-A" })).json).toMatchObject({
      code: "VALID",
      license: { plan: "up-pro", maxMachines: 5, activeMachines: 1 },
    });

    // The same event delivered again changes nothing.
    const updates = emulator.deliveries().filter((d) => d.type === "customer.subscription.updated");
    await emulator.trigger.resend(updates.at(-1)!.eventId);
    expect(await prisma().auditLog.count({ where: { targetId: license.id, action: "license.update" } })).toBe(audit.length);
  });

  it("a change Stripe accepted is reported as made even when its audit cannot be written; the webhook moves the license", async () => {
    const user = await customer();
    const { license } = await buy("up-basic", user);
    const restore = await refuseAuditEntries("license.plan_change");
    try {
      // Before, the failed write threw after Stripe had changed and invoiced: an error page, and a retry.
      expect(await changeSubscription(user, license.id, "up-pro", 1, "198.51.100.8")).toEqual({ plan: "up-pro", name: "up-pro", quantity: 1, seats: 5 });
    } finally {
      await restore();
    }
    expect(await prisma().auditLog.count({ where: { targetId: license.id, action: "license.plan_change" } })).toBe(0);
    const subscription = await stripe().subscriptions.retrieve(license.stripeSubscriptionId!);
    expect(subscription.items.data.map((i) => [i.price.id, i.quantity])).toEqual([["price_up_pro", 1]]);
    expect((await eventually(() => licenseRow(license.id), (l) => l.plan.slug === "up-pro")).plan.slug).toBe("up-pro");
  });

  it("a change Stripe refuses (a subscription it no longer knows) is reported as not made, and not audited", async () => {
    const user = await customer();
    const { license } = await buy("up-basic", user);
    await prisma().license.update({ where: { id: license.id }, data: { stripeSubscriptionId: "sub_gone_at_stripe" } });
    await expect(changeSubscription(user, license.id, "up-pro", 1, "198.51.100.9")).rejects.toThrow(
      new PlanChangeError("unavailable", "Your subscription could not be changed at Stripe right now; nothing was charged. Please try again later or contact us."),
    );
    expect(await prisma().auditLog.count({ where: { targetId: license.id, action: "license.plan_change" } })).toBe(0);
    expect((await licenseRow(license.id)).plan.slug).toBe("up-basic");
    const subscription = await stripe().subscriptions.retrieve(license.stripeSubscriptionId!);
    expect(subscription.items.data.map((i) => [i.price.id, i.quantity])).toEqual([["price_up_basic", 1]]);
  });

  it("buys more seats (quantity × the plan's machines), then refuses fewer seats than active machines, changing nothing", async () => {
    const user = await customer();
    const { license, key } = await buy("up-basic", user);
    await changeSubscription(user, license.id, "up-basic", 3, null);
    const more = await eventually(() => licenseRow(license.id), (l) => l.maxMachines === 6);
    expect(more.maxMachines).toBe(6);
    expect((await updatedEvents(license.id)).map((d) => d.changes)).toContainEqual({ maxMachines: { from: null, to: 6 } });
    for (const m of ["s1", "s2", "s3"]) expect((await activate(key, m)).status).toBe(201);

    await expect(changeSubscription(user, license.id, "up-basic", 1, null)).rejects.toThrow(
      new PlanChangeError("seats", "3 machines use this license, more than the 2 seats of that choice. Deactivate 1 machine first, then change."),
    );
    const subscription = await stripe().subscriptions.retrieve(license.stripeSubscriptionId!);
    expect(subscription.items.data[0]!.quantity).toBe(3);
    expect((await licenseRow(license.id)).maxMachines).toBe(6);
    expect((await planChangeOffer(user.id, license.id))).toMatchObject({ kind: "subscription", quantity: 3, activeMachines: 3 });
  });

  it("downgrades pro → basic with a credit for the next invoice: no payment now, the license takes basic's seats", async () => {
    const user = await customer();
    const { license } = await buy("up-pro", user);
    await changeSubscription(user, license.id, "up-basic", 1, null);
    const down = await eventually(() => licenseRow(license.id), (l) => l.plan.slug === "up-basic");
    expect(down.plan.slug).toBe("up-basic");
    await sleep(300);
    expect(await prisma().payment.count({ where: { licenseId: license.id } })).toBe(1);
    // Nothing else to change, and a plan of another kind is not offered.
    await expect(changeSubscription(user, license.id, "up-basic", 1, null)).rejects.toThrow("That is your subscription already.");
    await expect(changeSubscription(user, license.id, "up-plus", 1, null)).rejects.toThrow("That plan is not available for this subscription.");
    // Nobody else's license.
    await expect(changeSubscription(await customer(), license.id, "up-pro", 1, null)).rejects.toThrow("This license is not a subscription.");
    // Only the change Stripe accepted is audited as asked for.
    expect(await prisma().auditLog.count({ where: { targetId: license.id, action: "license.plan_change" } })).toBe(1);
  });

  it("moves a yearly subscription to a monthly plan: Stripe starts a month now, and the license renews at its end", async () => {
    const user = await customer();
    const { license } = await buy("up-yearly", user);
    const yearly = await eventually(() => licenseRow(license.id), (l) => l.expiresAt!.getTime() > Date.now() + 300 * DAY_MS);
    expect(yearly.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 300 * DAY_MS);

    await changeSubscription(user, license.id, "up-basic", 1, null);
    const monthly = await eventually(() => licenseRow(license.id), (l) => l.plan.slug === "up-basic");
    const subscription = await stripe().subscriptions.retrieve(license.stripeSubscriptionId!);
    const periodEnd = subscription.items.data[0]!.current_period_end;
    expect(periodEnd * 1000).toBeLessThan(Date.now() + 32 * DAY_MS);
    // "Renews on" is Stripe's next charge, a month away, not the yearly plan's end.
    expect(monthly.expiresAt!.getTime()).toBe(periodEnd * 1000);
    const audit = await prisma().auditLog.findMany({ where: { targetId: license.id, action: "license.update", actorType: "stripe" } });
    expect(audit.map((a) => (a.data as any).changes)).toContainEqual({
      plan: { from: "up-yearly", to: "up-basic" },
      expiresAt: { from: yearly.expiresAt!.toISOString(), to: new Date(periodEnd * 1000).toISOString() },
    });

    // More seats within the month keep its end.
    await changeSubscription(user, license.id, "up-basic", 2, null);
    const more = await eventually(() => licenseRow(license.id), (l) => l.maxMachines === 4);
    expect(more.expiresAt!.getTime()).toBe(periodEnd * 1000);
  });
});

describe("one-off licenses: a paid upgrade moves the same license", () => {
  it("charges the difference, and checkout.session.completed moves the license to the dearer plan with its key and machines", async () => {
    const user = await customer();
    const { license, key } = await buy("up-solo", user);
    expect((await activate(key, "solo-A")).status).toBe(201);
    expect(await planChangeOffer(user.id, license.id)).toEqual({
      kind: "upgrade",
      plans: [{ slug: "up-plus", name: "up-plus", price: "$99.00 once", maxMachines: 3, current: false, due: "$50.00" }],
    });

    const url = await createUpgradeCheckout(user, license.id, "up-plus");
    const location = await pay(url, user.email);
    expect(location).toMatch(new RegExp(`/account/licenses/${license.id}\\?upgrade=cs_test_`));

    expect(await prisma().license.count({ where: { userId: user.id } })).toBe(1);
    const moved = await licenseRow(license.id);
    expect(moved).toMatchObject({ keyHash: license.keyHash, trial: false, expiresAt: null, plan: { slug: "up-plus" } });
    const payments = await prisma().payment.findMany({ where: { licenseId: license.id }, orderBy: { createdAt: "asc" } });
    expect(payments.map((p) => minorUnits(p.amountCents))).toEqual([4900, 5000]);
    // Both one-time payments have the charge's receipt, the upgrade's too.
    expect((await listOrdersForUser(user.id)).map((o) => [o.kind, o.receipt, o.licenseId])).toEqual([
      ["change", "receipt", license.id],
      ["purchase", "receipt", license.id],
    ]);
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "solo-A" })).json).toMatchObject({
      code: "VALID",
      license: { plan: "up-plus", maxMachines: 3, activeMachines: 1 },
    });
    expect((await updatedEvents(license.id)).map((d) => d.changes)).toContainEqual({ plan: { from: "up-solo", to: "up-plus" } });

    // Delivered again: no second move, no second payment.
    const completed = emulator.deliveries().filter((d) => d.type === "checkout.session.completed").at(-1)!;
    await emulator.trigger.resend(completed.eventId);
    expect(await prisma().payment.count({ where: { licenseId: license.id } })).toBe(2);
    // Nothing dearer is left to upgrade to.
    expect(await planChangeOffer(user.id, license.id)).toBeNull();
  });
});

describe("trials convert to the bought plan", () => {
  it("a trial license bought at full price becomes the plan's license: same key, machines kept, no longer a trial", async () => {
    const user = await customer();
    const trial = await startTrial(user, "up-solo");
    const key = (await revealKeyForUser(user.id, trial.licenseId))!;
    expect((await activate(key, "trial-A")).status).toBe(201);
    const offer = await planChangeOffer(user.id, trial.licenseId);
    expect(offer?.kind).toBe("convert");
    expect(offer?.plans.map((p) => [p.slug, p.due])).toEqual([
      ["up-basic", "$10.00"],
      ["up-pro", "$30.00"],
      ["up-solo", "$49.00"],
      ["up-plus", "$99.00"],
      ["up-yearly", "$100.00"],
    ]);

    await pay(await createUpgradeCheckout(user, trial.licenseId, "up-solo"), user.email);
    expect(await licenseRow(trial.licenseId)).toMatchObject({ trial: false, expiresAt: null, plan: { slug: "up-solo" } });
    expect((await listOrdersForUser(user.id)).map((o) => o.kind)).toEqual(["purchase"]);
    expect(await prisma().license.count({ where: { userId: user.id } })).toBe(1);
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "trial-A" })).json).toMatchObject({ code: "VALID", license: { expiresAt: null } });
    expect((await updatedEvents(trial.licenseId)).map((d) => d.changes)).toContainEqual({
      trial: { from: true, to: false },
      expiresAt: { from: trial.expiresAt.toISOString(), to: null },
    });
  });

  it("a trial converted to a subscription takes the subscription's period and its renewals", async () => {
    const user = await customer();
    const trial = await startTrial(user, "up-solo");
    await pay(await createUpgradeCheckout(user, trial.licenseId, "up-basic"), user.email);
    const converted = await licenseRow(trial.licenseId);
    expect(converted).toMatchObject({ trial: false, plan: { slug: "up-basic" } });
    expect(converted.stripeSubscriptionId).toMatch(/^sub_/);
    const periodEnd = (await stripe().subscriptions.retrieve(converted.stripeSubscriptionId!)).items.data[0]!.current_period_end;
    expect(converted.expiresAt!.getTime()).toBe(periodEnd * 1000);
  });

  it("a subscription plan with trialDays starts with Stripe's trial: a trial license until the first paid period", async () => {
    await prisma().plan.create({
      data: { productId, slug: "up-trialing", name: "Trialing", maxMachines: 2, durationDays: 31, priceCents: 2000, billingInterval: "month", stripePriceId: "price_up_trialing", trialDays: 7 },
    });
    const user = await customer();
    const before = Date.now();
    const { license } = await buy("up-trialing", user);
    expect(license.trial).toBe(true);
    expect(license.expiresAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 7 * DAY_MS);
    expect(license.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
    const subscription = await stripe().subscriptions.retrieve(license.stripeSubscriptionId!);
    expect(subscription.status).toBe("trialing");
    // Their trial of the product is on record: the trial page answers this one, not a second.
    expect(await startTrial(user, "up-solo")).toEqual({ licenseId: license.id, expiresAt: license.expiresAt, created: false });

    await emulator.trigger.renew(license.stripeSubscriptionId!);
    const paid = await licenseRow(license.id);
    expect(paid.trial).toBe(false);
    expect(paid.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 27 * DAY_MS);
    expect((await prisma().payment.findMany({ where: { licenseId: license.id } })).map((p) => minorUnits(p.amountCents)).sort((a, b) => a - b)).toEqual([0, 2000]);
    // Once paid, the trial is used up.
    await expect(startTrial(user, "up-solo")).rejects.toThrow("You have had a free trial of Upgrades App already");
  });
});
