// Customer self-service against the local Stripe emulator, end to end: the official stripe SDK talks
// to the emulator, the emulator delivers signed webhooks to the portal's real webhook route, which
// writes PostgreSQL. Orders and receipts, refunds and disputes against their order, cancel at period
// end and resume, a failed payment and the card update in the billing portal, unknown checkout
// sessions, and the emulator's state surviving a restart.
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/stripe/webhook/route";
import { prisma } from "../db/client";
import { billingPortalFor } from "../payments/billing-portal";
import { createCheckoutSession } from "../payments/checkout";
import { checkoutStatus, orderSummary } from "../payments/checkout-session";
import { startStripeEmulator, type StripeEmulator } from "../payments/emulator/server";
import type { PriceConfig } from "../payments/emulator/store";
import { stripe } from "../payments/stripe-client";
import { setupTestDatabase } from "../test/database";
import { refuseAuditEntries } from "../test/audit-failure";
import { createPlan } from "../test/licenses";
import { getLicenseForUser } from "./licenses";
import { listOrdersForUser, receiptUrlForUser } from "./orders";
import { setRenewal } from "./renewal";

setupTestDatabase();

const SECRET = "whsec_self_service_test";
const prices = new Map<string, PriceConfig>();
let stateDir: string;
let emulator: StripeEmulator;
let webhook: http.Server;
let webhookUrl: string;

/** The portal's webhook route behind a plain HTTP server, where the emulator delivers. */
async function startWebhookServer() {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      POST(new Request("http://portal.test/api/stripe/webhook", { method: "POST", headers, body: Buffer.concat(chunks) }))
        .then(async (answer) => {
          res.writeHead(answer.status, { "content-type": "application/json" });
          res.end(await answer.text());
        })
        .catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function startEmulator() {
  emulator = await startStripeEmulator({
    webhookUrl,
    webhookSecret: SECRET,
    lookupPrice: async (id) => prices.get(id),
    stateFile: path.join(stateDir, "stripe-emulator.json"),
  });
  Object.assign(process.env, {
    STRIPE_SECRET_KEY: "sk_test_emulator",
    STRIPE_WEBHOOK_SECRET: SECRET,
    STRIPE_API_HOST: emulator.host,
    STRIPE_API_PORT: String(emulator.port),
    STRIPE_API_PROTOCOL: "http",
  });
}

beforeAll(async () => {
  process.env.APP_URL = "http://127.0.0.1:3999";
  delete process.env.SMTP_URL;
  stateDir = await mkdtemp(path.join(os.tmpdir(), "self-service-"));
  webhook = await startWebhookServer();
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/api/stripe/webhook`;
  await startEmulator();
});

afterAll(async () => {
  await emulator.stop();
  await new Promise<void>((resolve) => webhook.close(() => resolve()));
  await rm(stateDir, { recursive: true, force: true });
  for (const name of ["STRIPE_API_HOST", "STRIPE_API_PORT", "STRIPE_API_PROTOCOL"]) delete process.env[name];
});

async function planOnSale(o: { price: number; currency?: string; interval?: "month" | "year" }) {
  const plan = await createPlan({ durationDays: o.interval ? 30 : null });
  const stripePriceId = `price_${plan.slug.replace(/-/g, "_")}`;
  const currency = o.currency ?? "usd";
  await prisma().plan.update({ where: { id: plan.id }, data: { stripePriceId, priceCents: o.price <= 2_147_483_647 ? o.price : null, currency, billingInterval: o.interval ?? null } });
  prices.set(stripePriceId, { unitAmount: o.price, currency, recurring: o.interval ? { interval: o.interval } : null, nickname: `${plan.product.name} ${plan.name}` });
  return plan;
}

/** Buys the plan on the emulator's hosted page as a guest would; resolves once the webhook was handled. */
async function buy(planSlug: string, email: string) {
  const url = await createCheckoutSession(planSlug, null);
  const paid = await fetch(`${url}/pay`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email }).toString(),
    redirect: "manual",
  });
  expect(paid.status).toBe(303);
  const sessionId = new URL(paid.headers.get("location")!).searchParams.get("session_id")!;
  const license = await prisma().license.findUniqueOrThrow({ where: { stripeCheckoutSessionId: sessionId } });
  return { sessionId, license };
}

/** The cancelAtPeriodEnd changes sent as license.updated for one license, oldest first. */
async function renewalChangesSent(licenseId: string) {
  const events = await prisma().webhookEvent.findMany({ where: { type: "license.updated" }, orderBy: { createdAt: "asc" } });
  return events
    .map((e) => (e.payload as { data: { license: { id: string }; changes: { cancelAtPeriodEnd?: { from: boolean; to: boolean } } } }).data)
    .filter((d) => d.license.id === licenseId && d.changes.cancelAtPeriodEnd)
    .map((d) => d.changes.cancelAtPeriodEnd);
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const email = (name: string) => `${name}-${Date.now().toString(36)}@example.com`;

describe("orders and invoices", () => {
  it("lists a one-time purchase with plan, amount, status and a working receipt; refunds show against it", async () => {
    const plan = await planOnSale({ price: 4900 });
    const { license } = await buy(plan.slug, email("once"));

    const [order] = await listOrdersForUser(license.userId);
    expect(order).toMatchObject({
      productName: plan.product.name,
      planName: plan.name,
      kind: "purchase",
      amount: 4900,
      currency: "usd",
      amountRefunded: 0,
      status: "paid",
      receipt: "receipt",
      licenseId: license.id,
      refunds: [],
    });

    const receipt = await receiptUrlForUser(license.userId, order!.id);
    expect(receipt).toEqual({ url: expect.stringMatching(new RegExp(`^${emulator.url}/receipts/ch_`)) });
    const page = await fetch((receipt as { url: string }).url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("$49.00");
    // Another customer's order is not theirs to open.
    const stranger = await prisma().user.create({ data: { email: email("stranger") } });
    expect(await receiptUrlForUser(stranger.id, order!.id)).toEqual({ problem: "not_found" });

    await emulator.trigger.refund(license.stripePaymentIntentId!, { amount: 900 });
    const [partly] = await listOrdersForUser(license.userId);
    expect(partly).toMatchObject({ status: "partially_refunded", amountRefunded: 900, refunds: [{ amount: 900 }] });
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).status).toBe("ACTIVE");

    await emulator.trigger.refund(license.stripePaymentIntentId!);
    const [refunded] = await listOrdersForUser(license.userId);
    expect(refunded).toMatchObject({ status: "refunded", amountRefunded: 4900, refunds: [{ amount: 900 }, { amount: 4000 }] });
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).status).toBe("REVOKED");
    // The receipt page lists the refunds too.
    const again = await (await fetch((receipt as { url: string }).url)).text();
    expect(again).toContain("Refunded $9.00");
    expect(again).toContain("Refunded $40.00");
  });

  it("prints amounts in the currency's own decimals and marks a disputed payment", async () => {
    const plan = await planOnSale({ price: 5000, currency: "jpy" });
    const { license } = await buy(plan.slug, email("yen"));
    const [order] = await listOrdersForUser(license.userId);
    expect(order).toMatchObject({ amount: 5000, currency: "jpy", status: "paid" });

    const intent = await stripe().paymentIntents.retrieve(license.stripePaymentIntentId!);
    await emulator.trigger.dispute(intent.latest_charge as string);
    const [disputed] = await listOrdersForUser(license.userId);
    expect(disputed!.status).toBe("disputed");
  });

  it("records a refund of a payment past int4 (¥5,000,000,000) exactly", async () => {
    const plan = await planOnSale({ price: 5_000_000_000, currency: "jpy" });
    const { license } = await buy(plan.slug, email("big"));
    await emulator.trigger.refund(license.stripePaymentIntentId!, { amount: 3_000_000_000 });
    const [order] = await listOrdersForUser(license.userId);
    expect(order).toMatchObject({ amount: 5_000_000_000, amountRefunded: 3_000_000_000, status: "partially_refunded", refunds: [{ amount: 3_000_000_000 }] });
  });

  it("lists a subscription's first payment and each renewal with Stripe's hosted invoice", async () => {
    const plan = await planOnSale({ price: 1500, interval: "month" });
    const { license } = await buy(plan.slug, email("sub"));
    await emulator.trigger.renew(license.stripeSubscriptionId!);

    const orders = await listOrdersForUser(license.userId);
    expect(orders.map((o) => [o.kind, o.amount, o.status, o.receipt])).toEqual([
      ["renewal", 1500, "paid", "invoice"],
      ["purchase", 1500, "paid", "invoice"],
    ]);
    const receipt = await receiptUrlForUser(license.userId, orders[0]!.id);
    expect(receipt).toEqual({ url: expect.stringMatching(new RegExp(`^${emulator.url}/invoices/in_`)) });
    const page = await (await fetch((receipt as { url: string }).url)).text();
    expect(page).toContain("Paid");
    expect(page).toContain("$15.00");
  });

  it("shows a refund and a dispute of a subscription's renewal against that renewal", async () => {
    const plan = await planOnSale({ price: 2500, interval: "month" });
    const { license } = await buy(plan.slug, email("sub-refund"));
    const events = await emulator.trigger.renew(license.stripeSubscriptionId!);
    // Charges name no invoice in this API version: the invoice payment links the renewal's intent to its invoice.
    const invoicePayment = events.find((e) => e.type === "invoice_payment.paid")?.data.object as { payment: { payment_intent: string } } | undefined;
    expect(invoicePayment).toBeDefined();
    const intent = invoicePayment!.payment.payment_intent;

    await emulator.trigger.refund(intent, { amount: 500 });
    const refunded = await eventually(() => listOrdersForUser(license.userId), (o) => o[0]?.status === "partially_refunded", "the renewal's refund");
    expect(refunded.map((o) => [o.kind, o.status, o.amountRefunded, o.refunds.map((r) => r.amount)])).toEqual([
      ["renewal", "partially_refunded", 500, [500]],
      ["purchase", "paid", 0, []],
    ]);

    const charge = (await stripe().paymentIntents.retrieve(intent)).latest_charge as string;
    await emulator.trigger.dispute(charge);
    const disputed = await eventually(() => listOrdersForUser(license.userId), (o) => o[0]?.status === "disputed", "the renewal's dispute");
    expect(disputed.map((o) => o.status)).toEqual(["disputed", "paid"]);
  });
});

describe("subscriptions", () => {
  it("says Renews on, cancels at period end and resumes in place, through Stripe and in step with its webhook", async () => {
    const plan = await planOnSale({ price: 2000, interval: "year" });
    const { license } = await buy(plan.slug, email("renew"));
    const user = await prisma().user.findUniqueOrThrow({ where: { id: license.userId } });
    expect(await getLicenseForUser(user.id, license.id)).toMatchObject({ renews: true, cancelAtPeriodEnd: false });

    expect(await setRenewal(user, license.id, true, "203.0.113.9")).toEqual({ ok: true, licenseId: license.id, cancelAtPeriodEnd: true });
    expect((await stripe().subscriptions.retrieve(license.stripeSubscriptionId!)).cancel_at_period_end).toBe(true);
    expect(await getLicenseForUser(user.id, license.id)).toMatchObject({ renews: false, cancelAtPeriodEnd: true, status: "ACTIVE" });
    // Stripe's customer.subscription.updated arrives and agrees: nothing changes twice.
    await eventually(
      () => prisma().stripeEvent.count({ where: { type: "customer.subscription.updated", subscriptionId: license.stripeSubscriptionId, status: "PROCESSED" } }),
      (n) => n >= 1,
      "the subscription.updated webhook",
    );
    // Whichever of the portal and the webhook wrote the license's copy first, the customer's request
    // is audited once and the change is sent once.
    const audits = await prisma().auditLog.findMany({ where: { targetId: license.id, action: "license.renewal" } });
    expect(audits.map((a) => [a.actorId, a.ip, (a.data as { cancelAtPeriodEnd: boolean }).cancelAtPeriodEnd])).toEqual([[user.id, "203.0.113.9", true]]);
    expect(await renewalChangesSent(license.id)).toEqual([{ from: false, to: true }]);

    expect(await setRenewal(user, license.id, false, null)).toMatchObject({ ok: true, cancelAtPeriodEnd: false });
    expect((await stripe().subscriptions.retrieve(license.stripeSubscriptionId!)).cancel_at_period_end).toBe(false);
    expect(await getLicenseForUser(user.id, license.id)).toMatchObject({ renews: true, cancelAtPeriodEnd: false });

    // Someone else's license: refused, and Stripe is not asked.
    const stranger = await prisma().user.create({ data: { email: email("other") } });
    expect(await setRenewal(stranger, license.id, true, null)).toEqual({ ok: false, message: "Unknown license." });
    expect((await stripe().subscriptions.retrieve(license.stripeSubscriptionId!)).cancel_at_period_end).toBe(false);
  });

  it("audits the customer's request when Stripe's webhook wrote the license's copy before the portal did", async () => {
    const plan = await planOnSale({ price: 2000, interval: "year" });
    const { license } = await buy(plan.slug, email("webhook-first"));
    const user = await prisma().user.findUniqueOrThrow({ where: { id: license.userId } });
    // Hold the license row so that the portal's transaction waits after Stripe has changed; then write
    // what customer.subscription.updated writes, as it does when its delivery wins the race (the
    // delivery itself also waits for the row, and then finds nothing to change).
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM licenses WHERE id = $1 FOR UPDATE", [license.id]);
      const request = setRenewal(user, license.id, true, "203.0.113.10");
      request.catch(() => {}); // awaited below; a rejection meanwhile is reported there, not as unhandled
      // Stripe has changed once the emulator says so; from then on the portal's transaction can only
      // read the row after the write below.
      await eventually(
        async () => (await stripe().subscriptions.retrieve(license.stripeSubscriptionId!)).cancel_at_period_end,
        (cancels) => cancels === true,
        "Stripe to end the subscription at its period's end",
      );
      await holder.query("UPDATE licenses SET cancel_at_period_end = true WHERE id = $1", [license.id]);
      await holder.query("COMMIT");
      expect(await request).toEqual({ ok: true, licenseId: license.id, cancelAtPeriodEnd: true });
    } finally {
      await holder.end();
    }
    const audits = await prisma().auditLog.findMany({ where: { targetId: license.id, action: "license.renewal" } });
    expect(audits.map((a) => [a.actorId, a.ip, (a.data as { cancelAtPeriodEnd: boolean }).cancelAtPeriodEnd])).toEqual([[user.id, "203.0.113.10", true]]);
    // The write above stood in for the webhook's (which would have sent license.updated): the real
    // delivery then finds nothing to change, and the portal sends nothing for a row it did not change.
    await eventually(
      () => prisma().stripeEvent.count({ where: { type: "customer.subscription.updated", subscriptionId: license.stripeSubscriptionId, status: "PROCESSED" } }),
      (n) => n >= 1,
      "the subscription.updated webhook",
    );
    expect(await renewalChangesSent(license.id)).toEqual([]);
  });

  it("reports a change Stripe accepted as made even when the portal cannot record it; the webhook writes the license", async () => {
    const plan = await planOnSale({ price: 2000, interval: "year" });
    const { license } = await buy(plan.slug, email("unrecorded"));
    const user = await prisma().user.findUniqueOrThrow({ where: { id: license.userId } });
    const restore = await refuseAuditEntries("license.renewal");
    try {
      // Before, the failed write surfaced as an error page for a subscription that had changed.
      expect(await setRenewal(user, license.id, true, "203.0.113.11")).toEqual({ ok: true, licenseId: license.id, cancelAtPeriodEnd: true });
    } finally {
      await restore();
    }
    expect((await stripe().subscriptions.retrieve(license.stripeSubscriptionId!)).cancel_at_period_end).toBe(true);
    // Nothing of the portal's transaction stands (no half of it); customer.subscription.updated then
    // writes the license and sends the change, once.
    expect(await prisma().auditLog.count({ where: { targetId: license.id, action: "license.renewal" } })).toBe(0);
    await eventually(() => getLicenseForUser(user.id, license.id), (l) => l?.cancelAtPeriodEnd === true, "the webhook to write the license");
    expect(await eventually(() => renewalChangesSent(license.id), (sent) => sent.length > 0, "license.updated")).toEqual([{ from: false, to: true }]);
  });

  it("follows a cancellation made at Stripe (the billing portal) through customer.subscription.updated", async () => {
    const plan = await planOnSale({ price: 2000, interval: "month" });
    const { license } = await buy(plan.slug, email("portal"));
    await stripe().subscriptions.update(license.stripeSubscriptionId!, { cancel_at_period_end: true });
    const after = await eventually(
      () => prisma().license.findUniqueOrThrow({ where: { id: license.id } }),
      (l) => l.cancelAtPeriodEnd,
      "the license to follow Stripe",
    );
    expect(after.status).toBe("ACTIVE");
    // The period ends: the license ends with it.
    await emulator.trigger.renew(license.stripeSubscriptionId!);
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).status).toBe("EXPIRED");
    const user = await prisma().user.findUniqueOrThrow({ where: { id: license.userId } });
    expect(await setRenewal(user, license.id, false, null)).toMatchObject({ ok: false, message: expect.stringContaining("has ended") });
  });

  it("suspends on a failed payment, and the billing portal's card update pays what is due and lifts it", async () => {
    const plan = await planOnSale({ price: 1200, interval: "month" });
    const { license } = await buy(plan.slug, email("declined"));
    await emulator.trigger.failPayment(license.stripeSubscriptionId!);
    const suspended = await prisma().license.findUniqueOrThrow({ where: { id: license.id } });
    expect(suspended).toMatchObject({ status: "SUSPENDED", statusReason: expect.stringMatching(/^(payment_failed|past_due)$/) });

    const portal = await billingPortalFor(license.userId, `/account/licenses/${license.id}`);
    expect(portal).toEqual({ url: expect.stringMatching(new RegExp(`^${emulator.url}/billing/bps_`)) });
    const url = (portal as { url: string }).url;
    const html = await (await fetch(url)).text();
    expect(html).toContain("Your last payment failed");
    expect(html).toContain(`href="http://127.0.0.1:3999/account/licenses/${license.id}"`);

    const updated = await fetch(`${url}/payment-method`, { method: "POST", body: "card=4242424242424242", headers: { "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
    expect(updated.status).toBe(303);
    const after = await prisma().license.findUniqueOrThrow({ where: { id: license.id } });
    expect(after).toMatchObject({ status: "ACTIVE", statusReason: null });
    const orders = await listOrdersForUser(license.userId);
    expect(orders.map((o) => [o.kind, o.amount, o.status])).toEqual([
      ["renewal", 1200, "paid"],
      ["purchase", 1200, "paid"],
    ]);
  });
});

describe("rough edges", () => {
  it("tells an unknown checkout session from one whose license is on its way", async () => {
    expect(await checkoutStatus("cs_test_bogus", null)).toEqual({ state: "unknown" });
    expect(await orderSummary("cs_test_bogus")).toBe("unknown");

    const plan = await planOnSale({ price: 900 });
    const url = await createCheckoutSession(plan.slug, null);
    const sessionId = url.split("/").at(-1)!;
    expect(await checkoutStatus(sessionId, null)).toEqual({ state: "pending" });
    expect(await orderSummary(sessionId)).toEqual({
      productName: plan.product.name,
      planName: plan.name,
      amount: 900,
      currency: "usd",
      email: null,
      interval: null,
    });
  });

  it("keeps the emulator's customers across a restart, and a customer Stripe does not know gets a message", async () => {
    const plan = await planOnSale({ price: 3000, interval: "month" });
    const { license } = await buy(plan.slug, email("restart"));
    await emulator.stop();
    await startEmulator();
    expect(await billingPortalFor(license.userId)).toEqual({ url: expect.stringContaining(`${emulator.url}/billing/`) });
    const [order] = await listOrdersForUser(license.userId);
    expect(await receiptUrlForUser(license.userId, order!.id)).toEqual({ url: expect.stringContaining(`${emulator.url}/invoices/`) });

    const lost = await prisma().user.create({ data: { email: email("lost"), stripeCustomerId: "cus_forgotten" } });
    expect(await billingPortalFor(lost.id)).toEqual({ problem: "missing" });
    const never = await prisma().user.create({ data: { email: email("never") } });
    expect(await billingPortalFor(never.id)).toEqual({ problem: "none" });
  });

  it("a signed-in buyer whose Stripe customer is gone can still buy, as a new customer", async () => {
    const plan = await planOnSale({ price: 700 });
    const user = await prisma().user.create({ data: { email: email("gone"), stripeCustomerId: "cus_gone_for_good" } });
    const url = await createCheckoutSession(plan.slug, { id: user.id, email: user.email });
    expect(url).toContain(`${emulator.url}/checkout/cs_test_`);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).stripeCustomerId).toBeNull();
  });
});
