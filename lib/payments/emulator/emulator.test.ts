import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { stripe, webhookSecret } from "../stripe-client";
import { startStripeEmulator, type StripeEmulator } from "./server";
import type { PriceConfig } from "./store";

/**
 * Drives the emulator the way the portal will: through the official SDK configured only by
 * environment, the hosted pages over HTTP, and a webhook endpoint that verifies signatures with the
 * SDK.
 */

const SECRET = "whsec_test_emulator_secret";
const PRICES = {
  price_pro_monthly: { unitAmount: 2000, currency: "usd", recurring: { interval: "month" as const }, nickname: "Pro" },
  price_pro_yearly: { unitAmount: 20000, currency: "usd", recurring: { interval: "year" as const } },
  price_lifetime: { unitAmount: 4900, currency: "usd", recurring: null, nickname: "<script>alert(1)</script> Lifetime" },
};

/** Prices "created in the dashboard" after the emulator started: found through lookupPrice. */
const pricesAddedLater = new Map<string, PriceConfig>();

/** A webhook endpoint that accepts only correctly signed events, and can be told to fail. */
type Receiver = {
  url: string;
  events: Stripe.Event[];
  rejected: number;
  failNext: number;
  close(): Promise<void>;
};

async function startReceiver(): Promise<Receiver> {
  const receiver = { events: [] as Stripe.Event[], rejected: 0, failNext: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (receiver.failNext > 0) {
        receiver.failNext--;
        res.writeHead(500).end();
        return;
      }
      try {
        const event = stripe().webhooks.constructEvent(
          Buffer.concat(chunks).toString("utf8"),
          req.headers["stripe-signature"] ?? "",
          webhookSecret(),
        );
        receiver.events.push(event);
        res.writeHead(200).end("{}");
      } catch {
        receiver.rejected++;
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stripe/webhook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const ENV = ["STRIPE_SECRET_KEY", "STRIPE_API_HOST", "STRIPE_API_PORT", "STRIPE_API_PROTOCOL", "STRIPE_WEBHOOK_SECRET"];
const savedEnv = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

let receiver: Receiver;
let emulator: StripeEmulator;

beforeAll(async () => {
  receiver = await startReceiver();
  emulator = await startStripeEmulator({ webhookUrl: receiver.url, webhookSecret: SECRET, prices: PRICES, lookupPrice: async (id) => pricesAddedLater.get(id) });
  process.env.STRIPE_SECRET_KEY = "sk_test_emulator";
  process.env.STRIPE_API_HOST = emulator.host;
  process.env.STRIPE_API_PORT = String(emulator.port);
  process.env.STRIPE_API_PROTOCOL = "http";
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
});

afterAll(async () => {
  await emulator.stop();
  await receiver.close();
  for (const name of ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

beforeEach(() => {
  receiver.events.length = 0;
  receiver.rejected = 0;
  receiver.failNext = 0;
});

function createSession(params: Partial<Stripe.Checkout.SessionCreateParams> & { price: string }) {
  const { price, ...rest } = params;
  return stripe().checkout.sessions.create({
    mode: PRICES[price as keyof typeof PRICES]?.recurring ? "subscription" : "payment",
    line_items: [{ price, quantity: 1 }],
    success_url: "http://localhost:3000/thanks?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://localhost:3000/pricing",
    ...rest,
  });
}

/** Submits the hosted page's Pay form the way a browser does. */
async function pay(session: Stripe.Checkout.Session, email?: string) {
  const body = email === undefined ? "" : new URLSearchParams({ email }).toString();
  return fetch(`${session.url}/pay`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
    redirect: "manual",
  });
}

async function buySubscription() {
  const session = await createSession({ price: "price_pro_monthly", customer_email: "sub@example.com" });
  expect((await pay(session)).status).toBe(303);
  const completed = await stripe().checkout.sessions.retrieve(session.id);
  receiver.events.length = 0;
  return stripe().subscriptions.retrieve(completed.subscription as string);
}

async function buyOnce() {
  const session = await createSession({ price: "price_lifetime", customer_email: "once@example.com" });
  await pay(session);
  const completed = await stripe().checkout.sessions.retrieve(session.id);
  const intent = await stripe().paymentIntents.retrieve(completed.payment_intent as string);
  receiver.events.length = 0;
  return { intent, chargeId: intent.latest_charge as string };
}

describe("one-time checkout through the hosted page", () => {
  it("creates an open session whose url is the emulator's hosted page", async () => {
    const session = await createSession({ price: "price_lifetime", metadata: { plan: "lifetime" } });
    expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/);
    expect(session.object).toBe("checkout.session");
    expect(session).toMatchObject({ status: "open", payment_status: "unpaid", mode: "payment", amount_total: 4900, currency: "usd" });
    expect(session.url).toBe(`${emulator.url}/checkout/${session.id}`);
  });

  it("asks for the email, escapes the product name and offers Pay and Cancel", async () => {
    const session = await createSession({ price: "price_lifetime" });
    const res = await fetch(session.url!);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<input id="email" name="email" type="email"');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Lifetime");
    expect(html).not.toContain("<script>");
    expect(html).toContain("$49.00");
    expect(html).toMatch(/<button type="submit">Pay<\/button>/);
    expect(html).toMatch(/<button type="submit">Cancel<\/button>/);
  });

  it("pays, delivers a signed checkout.session.completed, then redirects to success_url", async () => {
    const session = await createSession({
      price: "price_lifetime",
      metadata: { plan: "lifetime" },
      payment_intent_data: { metadata: { plan: "lifetime" } },
      client_reference_id: "user_42",
    });
    const res = await pay(session, "buyer@example.com");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://localhost:3000/thanks?session=${session.id}`);

    // The redirect waited for the delivery: the event is already here, and it verified.
    expect(receiver.rejected).toBe(0);
    expect(receiver.events.map((e) => e.type)).toEqual(["checkout.session.completed"]);
    const event = receiver.events[0]!;
    expect(event.id).toMatch(/^evt_/);
    expect(event.api_version).toBe(Stripe.API_VERSION);
    const completed = event.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({
      id: session.id,
      status: "complete",
      payment_status: "paid",
      metadata: { plan: "lifetime" },
      client_reference_id: "user_42",
      customer_details: { email: "buyer@example.com" },
      amount_total: 4900,
      currency: "usd",
    });

    const retrieved = await stripe().checkout.sessions.retrieve(session.id);
    expect(retrieved).toMatchObject({ status: "complete", payment_status: "paid", url: null });
    expect(retrieved.payment_intent).toMatch(/^pi_/);
    const customer = (await stripe().customers.retrieve(retrieved.customer as string)) as Stripe.Customer;
    expect(customer.id).toMatch(/^cus_/);
    expect(customer.email).toBe("buyer@example.com");
    const intent = await stripe().paymentIntents.retrieve(retrieved.payment_intent as string);
    expect(intent).toMatchObject({ status: "succeeded", amount: 4900, customer: customer.id, metadata: { plan: "lifetime" } });
    expect(intent.latest_charge).toMatch(/^ch_/);
  });

  it("rejects an invalid email on the page and charges nothing", async () => {
    const session = await createSession({ price: "price_lifetime" });
    const res = await pay(session, "not-an-email");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Enter a valid email address.");
    expect(receiver.events).toEqual([]);
    expect((await stripe().checkout.sessions.retrieve(session.id)).status).toBe("open");
  });

  it("cannot be paid twice", async () => {
    const session = await createSession({ price: "price_lifetime" });
    await pay(session, "twice@example.com");
    receiver.events.length = 0;
    const again = await pay(session, "twice@example.com");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("This checkout session is complete.");
    expect(receiver.events).toEqual([]);
  });

  it("Cancel redirects to cancel_url without a payment", async () => {
    const session = await createSession({ price: "price_lifetime" });
    const res = await fetch(`${session.url}/cancel`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("http://localhost:3000/pricing");
    expect(receiver.events).toEqual([]);
  });
});

describe("subscription checkout", () => {
  it("creates subscription, invoice and events; the page shows the given email", async () => {
    const session = await createSession({
      price: "price_pro_monthly",
      customer_email: "sub@example.com",
      metadata: { plan: "pro" },
      subscription_data: { metadata: { plan: "pro" } },
    });
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("sub@example.com");
    expect(page).not.toContain('name="email"');
    expect(page).toContain("$20.00 / month");

    const before = Math.floor(Date.now() / 1000);
    expect((await pay(session)).status).toBe(303);
    expect(receiver.events.map((e) => e.type)).toEqual([
      "checkout.session.completed",
      "customer.subscription.created",
      "invoice.paid",
      "invoice_payment.paid",
    ]);

    const completed = await stripe().checkout.sessions.retrieve(session.id);
    expect(completed.customer_details?.email).toBe("sub@example.com");
    expect(completed.subscription).toMatch(/^sub_/);
    expect(completed.invoice).toMatch(/^in_/);

    const sub = await stripe().subscriptions.retrieve(completed.subscription as string);
    expect(sub).toMatchObject({ status: "active", customer: completed.customer, metadata: { plan: "pro" }, latest_invoice: completed.invoice });
    const item = sub.items.data[0]!;
    expect(item.id).toMatch(/^si_/);
    expect(item.price.id).toBe("price_pro_monthly");
    expect(item.current_period_start).toBeGreaterThanOrEqual(before);
    const end = new Date(item.current_period_start * 1000);
    end.setUTCMonth(end.getUTCMonth() + 1);
    expect(item.current_period_end).toBe(end.getTime() / 1000);

    const invoice = receiver.events[2]!.data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({
      id: completed.invoice,
      status: "paid",
      billing_reason: "subscription_create",
      amount_paid: 2000,
      customer: completed.customer,
      parent: { type: "subscription_details", subscription_details: { subscription: sub.id } },
    });
    expect(invoice.lines.data[0]!.period).toEqual({ start: item.current_period_start, end: item.current_period_end });
  });

  it("rejects an unknown price with StripeInvalidRequestError", async () => {
    const error = await createSession({ price: "price_nope", mode: "payment" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, message: "No such price: 'price_nope'", param: "line_items[0][price]" });
  });

  it("rejects a one-time price in subscription mode and non-http redirect URLs", async () => {
    await expect(createSession({ price: "price_lifetime", mode: "subscription" })).rejects.toThrow("recurring price");
    await expect(createSession({ price: "price_lifetime", success_url: "javascript:alert(1)" })).rejects.toMatchObject({
      param: "success_url",
    });
  });

  it("answers 404 for unknown ids", async () => {
    await expect(stripe().subscriptions.retrieve("sub_missing")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      message: "No such subscription: 'sub_missing'",
    });
  });
});

describe("prices added while the emulator runs", () => {
  it("looks a price it does not know up when a checkout names it, and keeps it", async () => {
    const attempt = () =>
      stripe().checkout.sessions.create({
        mode: "payment",
        line_items: [{ price: "price_added_later", quantity: 1 }],
        success_url: "http://localhost:3000/thanks",
        cancel_url: "http://localhost:3000/pricing",
      });
    await expect(attempt()).rejects.toMatchObject({ statusCode: 400, message: "No such price: 'price_added_later'" });

    pricesAddedLater.set("price_added_later", { unitAmount: 1900, currency: "usd", recurring: null, nickname: "Studio Pro" });
    const session = await attempt();
    expect(session).toMatchObject({ amount_total: 1900, currency: "usd", mode: "payment" });
    const page = await fetch(session.url!).then((r) => r.text());
    expect(page).toContain("$19.00");

    pricesAddedLater.delete("price_added_later");
    expect(await stripe().prices.retrieve("price_added_later")).toMatchObject({ id: "price_added_later", unit_amount: 1900 });
  });
});

describe("REST API conventions", () => {
  it("requires a secret key as Bearer token", async () => {
    const res = await fetch(`${emulator.url}/v1/prices/price_lifetime`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    const withKey = await fetch(`${emulator.url}/v1/prices/price_lifetime`, { headers: { authorization: "Bearer sk_test_x" } });
    expect(withKey.status).toBe(200);
  });

  it("replays a POST with the same Idempotency-Key and refuses the key with other parameters", async () => {
    const key = `idem-${Date.now()}`;
    const first = await stripe().customers.create({ email: "idem@example.com" }, { idempotencyKey: key });
    const second = await stripe().customers.create({ email: "idem@example.com" }, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    await expect(stripe().customers.create({ email: "other@example.com" }, { idempotencyKey: key })).rejects.toBeInstanceOf(
      Stripe.errors.StripeIdempotencyError,
    );
  });

  it("retrieves prices and expands top-level ids", async () => {
    const price = await stripe().prices.retrieve("price_pro_yearly");
    expect(price).toMatchObject({ unit_amount: 20000, currency: "usd", type: "recurring", recurring: { interval: "year" } });
    const customer = await stripe().customers.create({ email: "expand@example.com", metadata: { user: "u1" } });
    const session = await createSession({ price: "price_lifetime", customer: customer.id });
    const expanded = await stripe().checkout.sessions.retrieve(session.id, { expand: ["customer"] });
    expect(expanded.customer).toMatchObject({ id: customer.id, email: "expand@example.com", metadata: { user: "u1" } });
  });
});

describe("subscription lifecycle", () => {
  it("renew advances the period with a paid subscription_cycle invoice", async () => {
    const sub = await buySubscription();
    const oldEnd = sub.items.data[0]!.current_period_end;
    const events = await emulator.trigger.renew(sub.id);
    expect(events.map((e) => e.type)).toEqual(["customer.subscription.updated", "invoice.paid", "invoice_payment.paid"]);
    expect(receiver.events.map((e) => e.id)).toEqual(events.map((e) => e.id));

    const updated = receiver.events[0]!.data as Stripe.CustomerSubscriptionUpdatedEvent.Data;
    expect(updated.object.items.data[0]!.current_period_start).toBe(oldEnd);
    expect(updated.previous_attributes).toHaveProperty("items");
    const invoice = receiver.events[1]!.data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({ billing_reason: "subscription_cycle", status: "paid" });
    expect(invoice.lines.data[0]!.period.start).toBe(oldEnd);
  });

  it("failPayment makes it past_due; the next renew pays the open invoice", async () => {
    const sub = await buySubscription();
    const failed = await emulator.trigger.failPayment(sub.id);
    expect(failed.map((e) => e.type)).toEqual(["invoice.payment_failed", "customer.subscription.updated"]);
    const openInvoice = failed[0]!.data.object;
    expect(openInvoice).toMatchObject({ status: "open", amount_paid: 0, amount_remaining: 2000 });
    expect(failed[1]!.data).toMatchObject({ object: { status: "past_due" }, previous_attributes: { status: "active" } });
    expect((await stripe().subscriptions.retrieve(sub.id)).status).toBe("past_due");

    const recovered = await emulator.trigger.renew(sub.id);
    expect(recovered.map((e) => e.type)).toEqual(["invoice.paid", "invoice_payment.paid", "customer.subscription.updated"]);
    expect(recovered[0]!.data.object).toMatchObject({ id: openInvoice.id, status: "paid" });
    expect((await stripe().subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("cancel ends it with customer.subscription.deleted", async () => {
    const sub = await buySubscription();
    const events = await emulator.trigger.cancel(sub.id);
    expect(receiver.events.map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
    expect(events[0]!.data.object).toMatchObject({ id: sub.id, status: "canceled" });
    await expect(emulator.trigger.renew(sub.id)).rejects.toThrow("canceled");
  });

  it("cancel_at_period_end via the SDK; the next renewal ends the subscription", async () => {
    const sub = await buySubscription();
    const updated = await stripe().subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(updated).toMatchObject({ cancel_at_period_end: true, cancel_at: sub.items.data[0]!.current_period_end });
    await expect.poll(() => receiver.events.length).toBe(1);
    expect(receiver.events[0]).toMatchObject({
      type: "customer.subscription.updated",
      data: { previous_attributes: { cancel_at_period_end: false } },
    });
    expect(receiver.events[0]!.request?.id).toMatch(/^req_/);

    const events = await emulator.trigger.renew(sub.id);
    expect(events.map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
  });

  it("DELETE /v1/subscriptions/:id cancels and emits customer.subscription.deleted", async () => {
    const sub = await buySubscription();
    const canceled = await stripe().subscriptions.cancel(sub.id);
    expect(canceled.status).toBe("canceled");
    await expect.poll(() => receiver.events.map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
  });
});

describe("refunds, disputes and redelivery", () => {
  it("refund by payment intent (partial) and by charge (rest) sends charge.refunded", async () => {
    const { intent, chargeId } = await buyOnce();
    const partial = await emulator.trigger.refund(intent.id, { amount: 900 });
    expect(partial[0]).toMatchObject({ type: "charge.refunded", data: { object: { id: chargeId, amount_refunded: 900, refunded: false } } });
    const rest = await emulator.trigger.refund(chargeId);
    expect(rest[0]!.data.object).toMatchObject({ amount_refunded: 4900, refunded: true });
    expect(receiver.events.map((e) => e.type)).toEqual(["charge.refunded", "charge.refunded"]);
    await expect(emulator.trigger.refund(chargeId)).rejects.toThrow("unrefunded amount");
  });

  it("POST /v1/refunds refunds through the SDK", async () => {
    const { intent } = await buyOnce();
    const refund = await stripe().refunds.create({ payment_intent: intent.id });
    expect(refund).toMatchObject({ object: "refund", amount: 4900, status: "succeeded", payment_intent: intent.id });
    await expect.poll(() => receiver.events.map((e) => e.type)).toEqual(["charge.refunded"]);
  });

  it("dispute sends charge.dispute.created with the dispute", async () => {
    const { chargeId } = await buyOnce();
    const [event] = await emulator.trigger.dispute(chargeId);
    expect(event).toMatchObject({ type: "charge.dispute.created", data: { object: { object: "dispute", charge: chargeId, amount: 4900 } } });
    expect(event!.data.object.id).toMatch(/^dp_/);
    expect(receiver.events.map((e) => e.type)).toEqual(["charge.dispute.created"]);
    expect((await stripe().charges.retrieve(chargeId)).disputed).toBe(true);
  });

  it("resend delivers the same event again", async () => {
    const { chargeId } = await buyOnce();
    const [event] = await emulator.trigger.dispute(chargeId);
    await emulator.trigger.resend(event!.id);
    expect(receiver.events.map((e) => e.id)).toEqual([event!.id, event!.id]);
  });

  it("offers the triggers over HTTP under /_emulator", async () => {
    const sub = await buySubscription();
    const res = await fetch(`${emulator.url}/_emulator/renew`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ subscription: sub.id }),
    });
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as { events: { type: string }[] };
    expect(events.map((e) => e.type)).toEqual(["customer.subscription.updated", "invoice.paid", "invoice_payment.paid"]);
    const missing = await fetch(`${emulator.url}/_emulator/renew`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(400);
    const deliveries = (await (await fetch(`${emulator.url}/_emulator/deliveries`)).json()) as unknown[];
    expect(deliveries.length).toBe(emulator.deliveries().length);
  });
});

describe("webhook delivery", () => {
  it("retries a failed delivery and records the attempts", async () => {
    const { chargeId } = await buyOnce();
    receiver.failNext = 1;
    const [event] = await emulator.trigger.dispute(chargeId);
    expect(receiver.events.map((e) => e.id)).toEqual([event!.id]);
    expect(emulator.deliveries().find((d) => d.eventId === event!.id)).toEqual({
      eventId: event!.id,
      type: "charge.dispute.created",
      status: "succeeded",
      attempts: 2,
    });
  });

  it("gives up after four failed attempts", async () => {
    const { chargeId } = await buyOnce();
    receiver.failNext = 10;
    const [event] = await emulator.trigger.dispute(chargeId);
    expect(receiver.events).toEqual([]);
    expect(emulator.deliveries().find((d) => d.eventId === event!.id)).toMatchObject({ status: "failed", attempts: 4 });
  });
});

describe("billing portal", () => {
  it("lists the customer's subscriptions, cancels one, and links back", async () => {
    const sub = await buySubscription();
    const portal = await stripe().billingPortal.sessions.create({
      customer: sub.customer as string,
      return_url: "http://localhost:3000/account",
    });
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.url).toBe(`${emulator.url}/billing/${portal.id}`);

    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("Pro");
    expect(html).toContain("active");
    expect(html).toContain('<a href="http://localhost:3000/account">');
    const action = `/billing/${portal.id}/subscriptions/${sub.id}/cancel`;
    expect(html).toContain(`<form method="post" action="${action}">`);

    const res = await fetch(`${emulator.url}${action}`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/billing/${portal.id}`);
    expect(receiver.events.map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
    expect(await (await fetch(portal.url)).text()).toContain("canceled");
  });

  it("requires an existing customer", async () => {
    await expect(stripe().billingPortal.sessions.create({ customer: "cus_missing" })).rejects.toMatchObject({
      statusCode: 400,
      param: "customer",
    });
  });
});

describe("object shapes match Stripe's fixtures", () => {
  const fixturesPath = path.resolve(process.cwd(), "../shared/stripe/fixtures3.json");
  const present = existsSync(fixturesPath);
  if (!present) console.warn(`Skipping Stripe shape test: ${fixturesPath} is absent (it is not part of the repository).`);

  it.skipIf(!present)("every top-level key of Stripe's example object is present", async () => {
    const fixtures = JSON.parse(readFileSync(fixturesPath, "utf8")) as { resources: Record<string, Record<string, unknown>> };
    const { intent, chargeId } = await buyOnce();
    const [disputeEvent] = await emulator.trigger.dispute(chargeId);
    const sub = await buySubscription();
    const session = await createSession({ price: "price_lifetime" });
    const portal = await stripe().billingPortal.sessions.create({ customer: sub.customer as string });
    const invoice = await stripe().invoices.retrieve(sub.latest_invoice as string);

    const ours: Record<string, object> = {
      "checkout.session": session,
      customer: await stripe().customers.retrieve(sub.customer as string),
      subscription: sub,
      subscription_item: sub.items.data[0]!,
      invoice,
      line_item: invoice.lines.data[0]!,
      charge: await stripe().charges.retrieve(chargeId),
      refund: await stripe().refunds.create({ payment_intent: intent.id, amount: 100 }),
      payment_intent: intent,
      price: await stripe().prices.retrieve("price_pro_monthly"),
      event: disputeEvent!,
      "billing_portal.session": portal,
      dispute: disputeEvent!.data.object,
    };
    for (const [resource, object] of Object.entries(ours)) {
      const fixture = fixtures.resources[resource];
      expect(fixture, resource).toBeDefined();
      const missing = Object.keys(fixture!).filter((key) => !(key in object));
      expect(missing, `${resource} lacks keys of Stripe's example object`).toEqual([]);
      expect((object as { object?: string }).object).toBe(fixture!.object);
    }
  });
});
