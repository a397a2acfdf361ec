// Signed Stripe events whose content is not what Stripe sends (issue 11: "zero 5xx"; API.md "Input
// domain"): each answered 400 naming the field, never 500. An event whose envelope is unusable (no
// time, an id no index takes, nesting deeper than anything Stripe sends) is recorded nowhere; one of
// a handled type whose object is odd is recorded FAILED with the reason, for a re-run, and changes
// nothing else. Every case below answered 500 before event-shapes.ts (found from outside against
// `npm start` with events signed with the emulator's webhook secret).
import Stripe from "stripe";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POST } from "../../../app/api/stripe/webhook/route";
import { setupTestDatabase } from "../../test/database";
import { createPlan } from "../../test/licenses";
import { WEBHOOK_SECRET, charge, checkoutSession, deliver, dispute, event, invoice, sql, setWebhookEnv, stripeId, subscription, daysFromNow } from "./test-kit";

setupTestDatabase();
setWebhookEnv();

type Json = Record<string, unknown>;

/** Every row that a refused or failed event must leave alone, counted. */
async function effects() {
  const [row] = await sql(
    `SELECT (SELECT count(*) FROM licenses)::int AS licenses, (SELECT count(*) FROM payments)::int AS payments,
            (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM payment_refunds)::int AS refunds,
            (SELECT count(*) FROM job_outbox)::int AS outbox, (SELECT count(*) FROM audit_logs)::int AS audit`,
  );
  return row;
}

async function deliverRaw(payload: string) {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const response = await POST(
    new Request("https://portal.test/api/stripe/webhook", { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload }),
  );
  return { status: response.status, json: (await response.json()) as { error?: { code: string; message: string } } };
}

const paid = (plan: string, patch: Json) => ({ ...checkoutSession({ plan, email: `odd-${stripeId("x")}@example.test` }), ...patch });

describe("signed events of handled types whose object is not what Stripe sends", () => {
  const cases: [string, string, (plan: string) => Json, string][] = [
    ["checkout.session.completed", "a number as the buyer's email", (plan) => paid(plan, { customer_details: { email: 5 } }), "customer_details.email"],
    ["checkout.session.completed", "an amount past 2^53 (1e300)", (plan) => paid(plan, { amount_total: 1e300 }), "amount_total"],
    // The documented bound (README "Numbers"): amounts are exact up to 2^53 - 1 minor units; 2^53 is the first
    // value JSON.parse could have rounded to (9007199254740993 reads as it), so it is refused, in every amount path.
    ["checkout.session.completed", "an amount of 2^53 (JSON.parse's reading of 9007199254740993)", (plan) => paid(plan, { amount_total: 2 ** 53 }), "amount_total"],
    ["invoice.paid", "an amount paid of 2^53", () => ({ ...invoice({ subscription: stripeId("sub"), periodEnd: daysFromNow(30) }), amount_paid: 2 ** 53 }), "amount_paid"],
    ["charge.refunded", "a refunded amount of 2^53", () => ({ ...charge({ paymentIntent: stripeId("pi") }), amount_refunded: 2 ** 53 }), "amount_refunded"],
    ["checkout.session.completed", "a fractional amount", (plan) => paid(plan, { amount_total: 500.5 }), "amount_total"],
    ["checkout.session.completed", "a trial of 1e9 days", (plan) => paid(plan, { mode: "subscription", subscription: stripeId("sub"), metadata: { plan, trial: "1e9" } }), "metadata.trial"],
    ["checkout.session.completed", "a customer id that is a number", (plan) => paid(plan, { customer: { id: 7 } }), "customer"],
    ["checkout.session.async_payment_succeeded", "a 400-letter currency", (plan) => paid(plan, { currency: "x".repeat(400) }), "currency"],
    ["invoice.paid", "no lines", () => ({ ...invoice({ subscription: stripeId("sub"), periodEnd: daysFromNow(30) }), lines: null }), "lines"],
    ["invoice.paid", "a period end that is text", () => ({ ...invoice({ subscription: stripeId("sub"), periodEnd: daysFromNow(30) }), lines: { data: [{ period: { end: "x" } }] } }), "lines.data.0.period.end"],
    ["invoice.payment_failed", "a subscription that is a number", () => ({ ...invoice({ subscription: stripeId("sub"), periodEnd: daysFromNow(30) }), parent: null, subscription: 5 }), "subscription"],
    ["customer.subscription.updated", "an id that is a number", () => ({ ...subscription({ id: "sub_x", status: "active", periodEnd: daysFromNow(30) }), id: 5 }), "id"],
    ["customer.subscription.updated", "no items", () => ({ ...subscription({ id: stripeId("sub"), status: "active", periodEnd: daysFromNow(30) }), items: null }), "items"],
    ["customer.subscription.deleted", "an id that is a number", () => ({ id: 5 }), "id"],
    ["charge.refunded", "amounts that are not numbers", () => ({ ...charge({ paymentIntent: stripeId("pi") }), amount: "abc", amount_refunded: {} }), "amount"],
    ["charge.refunded", "a payment intent that is a number", () => ({ ...charge({ paymentIntent: stripeId("pi") }), payment_intent: 5 }), "payment_intent"],
    ["charge.dispute.created", "a creation time that is text", () => ({ ...dispute({ paymentIntent: stripeId("pi") }), created: "yesterday" }), "created"],
  ];

  it.each(cases)("%s with %s: 400 naming the field, recorded FAILED, nothing else changed", async (type, _what, make, field) => {
    const plan = await createPlan();
    const evt = event(type, make(plan.slug));
    const before = await effects();
    const answer = await deliver(evt);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect(String((answer.json.error as { message: string }).message)).toContain(field);
    const rows = await sql("SELECT status, error FROM stripe_events WHERE id = $1", [evt.id]);
    expect(rows).toEqual([{ status: "FAILED", error: expect.stringContaining(field) }]);
    expect(await effects()).toEqual(before);
    // Stripe's retry of the same delivery: the same answer, one row, its attempts counted.
    expect((await deliver(evt)).status).toBe(400);
    expect(await sql("SELECT status, attempts FROM stripe_events WHERE id = $1", [evt.id])).toEqual([{ status: "FAILED", attempts: 2 }]);
  });

  it("accepts a subscription from an endpoint on an API version before per-item periods (no current_period_end)", async () => {
    const plan = await createPlan();
    const sub = stripeId("sub");
    expect((await deliver(event("checkout.session.completed", checkoutSession({ plan: plan.slug, mode: "subscription", subscription: sub })))).status).toBe(200);
    const old = subscription({ id: sub, status: "past_due", periodEnd: daysFromNow(30) }) as { items: { data: Json[] } };
    for (const item of old.items.data) delete item.current_period_end;
    expect((await deliver(event("customer.subscription.updated", { ...old, cancel_at: daysFromNow(10) }))).status).toBe(200);
    expect(await sql("SELECT status FROM licenses WHERE stripe_subscription_id = $1", [sub])).toEqual([{ status: "SUSPENDED" }]);
  });

  it("still processes the same event once its content is what Stripe sends", async () => {
    const plan = await createPlan();
    const session = paid(plan.slug, { amount_total: 1e300 });
    expect((await deliver(event("checkout.session.completed", session))).status).toBe(400);
    expect((await deliver(event("checkout.session.completed", { ...session, amount_total: 4900 }))).status).toBe(200);
    expect(await sql("SELECT amount_cents::text AS amount FROM payments WHERE stripe_checkout_session_id = $1", [session.id])).toEqual([{ amount: "4900" }]);
  });
});

describe("signed bodies that are no usable Stripe event: 400 and recorded nowhere", () => {
  const cases: [string, () => string][] = [
    ["`created` as text", () => JSON.stringify({ ...event("invoice.paid", invoice({ subscription: stripeId("sub"), periodEnd: daysFromNow(30) })), created: "yesterday" })],
    ["`created` past year 9999", () => JSON.stringify({ ...event("customer.created", { id: "cus_1" }), created: 1e20 })],
    ["an id of 3,000 characters", () => JSON.stringify(event("customer.created", { id: "cus_1" }, { id: `evt_${"x".repeat(3000)}` }))],
    ["a subscription id of 3,000 random characters", () => JSON.stringify(event("customer.subscription.deleted", { id: `sub_${Array.from({ length: 600 }, () => stripeId("z")).join("")}` }))],
    ["an expanded subscription of 5,000 characters where the indexed id goes", () => JSON.stringify(event("invoice.payment_failed", { ...invoice({ subscription: stripeId("sub"), periodEnd: daysFromNow(30) }), parent: null, subscription: { id: "sub_1", pad: Array.from({ length: 300 }, () => stripeId("p")).join("") } }))],
    ["data.previous_attributes as text", () => JSON.stringify({ ...event("customer.subscription.updated", subscription({ id: stripeId("sub"), status: "active", periodEnd: daysFromNow(30) })), data: { object: { id: "sub_1" }, previous_attributes: "x" } })],
    ["arrays nested 400,000 deep", () => JSON.stringify(event("invoice.paid", { id: "in_deep" })).slice(0, -2) + ',"x":' + "[".repeat(400_000) + "]".repeat(400_000) + "}}"],
    ["objects nested 150,000 deep", () => JSON.stringify(event("customer.created", { id: "cus_deep" })).slice(0, -2) + ',"x":' + '{"a":'.repeat(150_000) + "1" + "}".repeat(150_000) + "}}"],
    ["a JSON array", () => "[]"],
  ];

  it.each(cases)("%s", async (_name, body) => {
    const before = await sql("SELECT count(*)::int AS n FROM stripe_events");
    const answer = await deliverRaw(body());
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe("BAD_REQUEST");
    expect(await sql("SELECT count(*)::int AS n FROM stripe_events")).toEqual(before);
  });

  it("a refused `created` cannot poison the ordering of the subscription's later events", async () => {
    const plan = await createPlan();
    const sub = stripeId("sub");
    const poison = { ...event("invoice.payment_failed", invoice({ subscription: sub, periodEnd: daysFromNow(30) })), created: "yesterday" };
    expect((await deliverRaw(JSON.stringify(poison))).status).toBe(400);
    const session = checkoutSession({ plan: plan.slug, mode: "subscription", subscription: sub });
    expect((await deliver(event("checkout.session.completed", session))).status).toBe(200);
    expect((await deliver(event("invoice.payment_failed", invoice({ subscription: sub, periodEnd: daysFromNow(30) })))).status).toBe(200);
    expect(await sql("SELECT status FROM licenses WHERE stripe_subscription_id = $1", [sub])).toEqual([{ status: "SUSPENDED" }]);
  });
});

describe("any JSON in the fields the handlers read", () => {
  const HANDLED = [
    "checkout.session.completed",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "charge.refunded",
    "charge.dispute.created",
  ];
  const FIELDS = ["id", "customer", "subscription", "payment_intent", "invoice", "amount_total", "amount", "amount_paid", "amount_refunded", "currency", "customer_details", "metadata", "lines", "items", "status", "created", "parent", "refunds", "cancel_at", "client_reference_id", "mode", "payment_status"];

  it("never answers 5xx (property: a real object with one field replaced by arbitrary JSON)", async () => {
    const plan = await createPlan();
    const base = (type: string): Json => {
      const sub = stripeId("sub");
      if (type.startsWith("checkout")) return checkoutSession({ plan: plan.slug });
      if (type.startsWith("invoice")) return invoice({ subscription: sub, periodEnd: daysFromNow(30) });
      if (type.startsWith("customer.subscription")) return subscription({ id: sub, status: "active", periodEnd: daysFromNow(30) });
      if (type === "charge.refunded") return charge({ paymentIntent: stripeId("pi"), refunded: 100 });
      return dispute({ paymentIntent: stripeId("pi") });
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HANDLED), fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 }), async (type, field, value) => {
        const answer = await deliver(event(type, { ...base(type), [field]: value }));
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});
