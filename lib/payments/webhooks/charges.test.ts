// Refunds and disputes: found by payment intent, for one-time purchases and
// (through invoice_payment.paid) for subscription payments.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setupTestDatabase } from "../../test/database";
import { createPlan } from "../../test/licenses";
import { charge, checkoutSession, daysFromNow, deliver, dispute, event, invoice, invoicePayment, sql, stripeId, setWebhookEnv } from "./test-kit";

setupTestDatabase();
setWebhookEnv();

const OK = { status: 200, json: { received: true } };

beforeEach(() => {
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function bought() {
  const plan = await createPlan({ durationDays: null });
  const paymentIntent = stripeId("pi");
  expect(await deliver(event("checkout.session.completed", checkoutSession({ plan: plan.slug, paymentIntent, amountTotal: 4900 })))).toEqual(OK);
  return { paymentIntent };
}

async function licenseOfPaymentIntent(paymentIntent: string) {
  const [license] = await sql("SELECT * FROM licenses WHERE stripe_payment_intent_id = $1", [paymentIntent]);
  return license;
}

describe("charge.refunded", () => {
  it("revokes the license on a full refund, with an audit entry", async () => {
    const { paymentIntent } = await bought();
    const evt = event("charge.refunded", charge({ paymentIntent, amount: 4900, refunded: 4900 }));
    expect(await deliver(evt)).toEqual(OK);
    const license = await licenseOfPaymentIntent(paymentIntent);
    expect(license).toMatchObject({ status: "REVOKED", status_reason: "refunded" });
    const audit = await sql("SELECT actor_id, data FROM audit_logs WHERE action = 'license.update' AND target_id = $1", [license.id]);
    expect(audit).toEqual([
      { actor_id: evt.id, data: { event: "charge.refunded", changes: { status: { from: "ACTIVE", to: "REVOKED" }, statusReason: { from: null, to: "refunded" } } } },
    ]);
  });

  it("counts a refund of the whole amount as full even when `refunded` is not set", async () => {
    const { paymentIntent } = await bought();
    expect(await deliver(event("charge.refunded", { ...charge({ paymentIntent, amount: 4900 }), amount_refunded: 4900, refunded: false }))).toEqual(OK);
    expect((await licenseOfPaymentIntent(paymentIntent)).status).toBe("REVOKED");
  });

  it("leaves the license alone on a partial refund, recording the event", async () => {
    const { paymentIntent } = await bought();
    const evt = event("charge.refunded", charge({ paymentIntent, amount: 4900, refunded: 1000 }));
    expect(await deliver(evt)).toEqual(OK);
    const license = await licenseOfPaymentIntent(paymentIntent);
    expect(license).toMatchObject({ status: "ACTIVE", status_reason: null });
    expect((await sql("SELECT status FROM stripe_events WHERE id = $1", [evt.id]))[0].status).toBe("PROCESSED");
    expect(await sql("SELECT id FROM audit_logs WHERE action = 'license.update' AND target_id = $1", [license.id])).toHaveLength(0);
  });

  it("revokes a license whose refund arrived before its checkout", async () => {
    const plan = await createPlan({ durationDays: 30 });
    const paymentIntent = stripeId("pi");
    await deliver(event("charge.refunded", charge({ paymentIntent, amount: 4900, refunded: 4900 })));
    await deliver(event("checkout.session.completed", checkoutSession({ plan: plan.slug, paymentIntent })));
    expect(await licenseOfPaymentIntent(paymentIntent)).toMatchObject({ status: "REVOKED", status_reason: "refunded" });
  });

  it("revokes a subscription's license when its invoice's payment is refunded in full", async () => {
    const plan = await createPlan({ durationDays: 31 });
    const sub = stripeId("sub");
    const renewal = invoice({ subscription: sub, periodEnd: daysFromNow(60), amountPaid: 1900 });
    const paymentIntent = stripeId("pi");
    for (const evt of [
      event("checkout.session.completed", checkoutSession({ plan: plan.slug, mode: "subscription", subscription: sub })),
      event("invoice.paid", renewal),
      event("invoice_payment.paid", invoicePayment({ invoice: renewal.id as string, paymentIntent })),
      event("charge.refunded", charge({ paymentIntent, amount: 1900, refunded: 1900 })),
    ]) {
      expect(await deliver(evt)).toEqual(OK);
    }
    const [license] = await sql("SELECT status, status_reason FROM licenses WHERE stripe_subscription_id = $1", [sub]);
    expect(license).toEqual({ status: "REVOKED", status_reason: "refunded" });
  });
});

describe("charge.dispute.created", () => {
  it("suspends the disputed license", async () => {
    const { paymentIntent } = await bought();
    expect(await deliver(event("charge.dispute.created", dispute({ paymentIntent })))).toEqual(OK);
    expect(await licenseOfPaymentIntent(paymentIntent)).toMatchObject({ status: "SUSPENDED", status_reason: "dispute" });
  });

  it("does not un-revoke a refunded license", async () => {
    const { paymentIntent } = await bought();
    await deliver(event("charge.refunded", charge({ paymentIntent, amount: 4900, refunded: 4900 })));
    expect(await deliver(event("charge.dispute.created", dispute({ paymentIntent })))).toEqual(OK);
    expect(await licenseOfPaymentIntent(paymentIntent)).toMatchObject({ status: "REVOKED", status_reason: "refunded" });
  });

  it("records a dispute about a payment the portal does not know, changing nothing", async () => {
    const evt = event("charge.dispute.created", dispute({ paymentIntent: stripeId("pi") }));
    expect(await deliver(evt)).toEqual(OK);
    expect((await sql("SELECT status FROM stripe_events WHERE id = $1", [evt.id]))[0].status).toBe("PROCESSED");
  });
});
