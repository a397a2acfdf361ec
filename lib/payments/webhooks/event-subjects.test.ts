// Each stored Stripe event knows the subscription and payment intent it is
// about (columns PostgreSQL generates from the payload), by the same rules as
// stripe-objects.ts, for every shape the webhook handles.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { prisma } from "../../db/client";
import { setupTestDatabase } from "../../test/database";
import { claimEvent } from "./event-log";
import { charge, checkoutSession, daysFromNow, dispute, event, invoice, invoicePayment, sql, stripeId, subscription } from "./test-kit";

setupTestDatabase();

async function subjectsOf(evt: ReturnType<typeof event>) {
  await prisma().$transaction((tx) => claimEvent(tx, evt as unknown as Stripe.Event));
  const [row] = await sql("SELECT subscription_id, payment_intent_id FROM stripe_events WHERE id = $1", [evt.id]);
  return row;
}

describe("stripe_events subjects", () => {
  const sub = stripeId("sub");
  const pi = stripeId("pi");
  const periodEnd = daysFromNow(30);

  it.each([
    ["customer.subscription.updated", () => subscription({ id: sub, status: "active", periodEnd }), { subscription_id: sub, payment_intent_id: null }],
    ["customer.subscription.deleted", () => subscription({ id: sub, status: "canceled", periodEnd }), { subscription_id: sub, payment_intent_id: null }],
    ["invoice.paid", () => invoice({ subscription: sub, periodEnd }), { subscription_id: sub, payment_intent_id: null }],
    [
      "invoice.payment_failed (an endpoint on an API version before 2025-03-31: top-level subscription)",
      () => ({ ...invoice({ subscription: "ignored", periodEnd }), parent: null, subscription: sub }),
      { subscription_id: sub, payment_intent_id: null },
    ],
    ["checkout.session.completed (subscription)", () => checkoutSession({ mode: "subscription", subscription: sub }), { subscription_id: sub, payment_intent_id: null }],
    ["checkout.session.completed (one-off payment)", () => checkoutSession({ mode: "payment", paymentIntent: pi }), { subscription_id: null, payment_intent_id: null }],
    ["charge.refunded", () => charge({ paymentIntent: pi }), { subscription_id: null, payment_intent_id: pi }],
    ["charge.dispute.created", () => dispute({ paymentIntent: pi }), { subscription_id: null, payment_intent_id: pi }],
    ["invoice_payment.paid", () => invoicePayment({ invoice: stripeId("in"), paymentIntent: pi }), { subscription_id: null, payment_intent_id: pi }],
    ["product.created (not handled)", () => ({ id: stripeId("prod"), object: "product" }), { subscription_id: null, payment_intent_id: null }],
  ])("%s", async (label, object, expected) => {
    const type = label.split(" ")[0]!;
    expect(await subjectsOf(event(type, object()))).toEqual(expected);
  });
});
