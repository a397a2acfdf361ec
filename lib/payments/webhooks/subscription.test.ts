// Subscriptions: invoices extend and reinstate, failures and cancellations
// suspend and expire, admin decisions stand, and the order of delivery does not
// change the outcome.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setupTestDatabase } from "../../test/database";
import { createPlan } from "../../test/licenses";
import { checkoutSession, daysFromNow, deliver, event, invoice, sql, stripeId, subscription, unix, setWebhookEnv } from "./test-kit";

setupTestDatabase();
setWebhookEnv();

const OK = { status: 200, json: { received: true } };
type Evt = ReturnType<typeof event>;

beforeEach(() => {
  // No SMTP in these tests: the key email fails (logged) on every mint.
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function deliverAll(events: Evt[]): Promise<void> {
  for (const evt of events) expect(await deliver(evt)).toEqual(OK);
}

async function licenseOf(subscriptionId: string) {
  const rows = await sql("SELECT * FROM licenses WHERE stripe_subscription_id = $1", [subscriptionId]);
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function stateOf(subscriptionId: string) {
  const l = await licenseOf(subscriptionId);
  return { status: l.status, statusReason: l.status_reason, expiresAt: (l.expires_at as Date).toISOString() };
}

const at = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** The events of a new subscription's purchase: the session and its first invoice. */
async function purchase(o: { durationDays?: number; periodEnd: number; created?: number }) {
  const plan = await createPlan({ durationDays: o.durationDays ?? 31 });
  const sub = stripeId("sub");
  const firstInvoice = stripeId("in");
  const created = o.created ?? unix(new Date());
  const session = checkoutSession({ plan: plan.slug, mode: "subscription", subscription: sub, invoice: firstInvoice });
  return {
    plan,
    sub,
    checkout: event("checkout.session.completed", session, { created }),
    firstPaid: event("invoice.paid", invoice({ id: firstInvoice, subscription: sub, periodEnd: o.periodEnd, billingReason: "subscription_create", amountPaid: 4900 }), { created }),
  };
}

async function subscribed(periodEnd = daysFromNow(30)) {
  const p = await purchase({ periodEnd });
  await deliverAll([p.checkout, p.firstPaid]);
  return p;
}

describe("invoice.paid", () => {
  it("sets the first period's end, then extends with each renewal and records the renewal's payment", async () => {
    const first = daysFromNow(20);
    const { sub } = await subscribed(first);
    const license = await licenseOf(sub);
    expect(at(unix(license.expires_at))).toBe(at(first));
    // The first invoice's money was recorded by the checkout, with the invoice id.
    const payments = await sql("SELECT amount_cents, stripe_invoice_id, stripe_checkout_session_id FROM payments WHERE license_id = $1", [license.id]);
    expect(payments).toHaveLength(1);
    expect(payments[0].stripe_invoice_id).not.toBeNull();
    expect(payments[0].stripe_checkout_session_id).not.toBeNull();

    const second = daysFromNow(50);
    const renewal = invoice({ subscription: sub, periodEnd: second, amountPaid: 1900 });
    await deliverAll([event("invoice.paid", renewal)]);
    expect((await stateOf(sub)).expiresAt).toBe(at(second));
    const renewalPayments = await sql("SELECT user_id, amount_cents, currency FROM payments WHERE stripe_invoice_id = $1", [renewal.id]);
    // amount_cents is bigint, which node-postgres reads as text.
    expect(renewalPayments).toEqual([{ user_id: license.user_id, amount_cents: "1900", currency: "usd" }]);
    const audit = await sql("SELECT actor_type, data FROM audit_logs WHERE action = 'license.update' AND target_id = $1 ORDER BY id", [license.id]);
    expect(audit.at(-1)).toMatchObject({ actor_type: "stripe", data: { event: "invoice.paid", changes: { expiresAt: { to: at(second) } } } });

    // An invoice for an earlier period end never shortens the license.
    await deliverAll([event("invoice.paid", invoice({ subscription: sub, periodEnd: daysFromNow(40) }))]);
    expect((await stateOf(sub)).expiresAt).toBe(at(second));
  });

  it("counts the first payment once even when the session does not name its invoice", async () => {
    const plan = await createPlan({ durationDays: 31 });
    const sub = stripeId("sub");
    const session = checkoutSession({ plan: plan.slug, mode: "subscription", subscription: sub, invoice: null, amountTotal: 4900 });
    await deliverAll([
      event("checkout.session.completed", session),
      event("invoice.paid", invoice({ subscription: sub, periodEnd: daysFromNow(30), billingReason: "subscription_create", amountPaid: 4900 })),
    ]);
    const license = await licenseOf(sub);
    expect(await sql("SELECT amount_cents, stripe_checkout_session_id FROM payments WHERE license_id = $1", [license.id])).toEqual([
      { amount_cents: "4900", stripe_checkout_session_id: session.id },
    ]);
  });
});

describe("payment failures", () => {
  it("suspends on invoice.payment_failed and reinstates on the next invoice.paid", async () => {
    const { sub } = await subscribed();
    await deliverAll([event("invoice.payment_failed", invoice({ subscription: sub, periodEnd: daysFromNow(60) }))]);
    expect(await stateOf(sub)).toMatchObject({ status: "SUSPENDED", statusReason: "payment_failed" });

    const paidThrough = daysFromNow(60);
    await deliverAll([event("invoice.paid", invoice({ subscription: sub, periodEnd: paidThrough }))]);
    expect(await stateOf(sub)).toEqual({ status: "ACTIVE", statusReason: null, expiresAt: at(paidThrough) });
  });

  it("suspends for past_due and unpaid subscriptions and reinstates when active again", async () => {
    const { sub } = await subscribed();
    const end = daysFromNow(30);
    await deliverAll([event("customer.subscription.updated", subscription({ id: sub, status: "past_due", periodEnd: end }))]);
    expect(await stateOf(sub)).toMatchObject({ status: "SUSPENDED", statusReason: "past_due" });
    await deliverAll([event("customer.subscription.updated", subscription({ id: sub, status: "unpaid", periodEnd: end }))]);
    expect(await stateOf(sub)).toMatchObject({ status: "SUSPENDED", statusReason: "unpaid" });
    await deliverAll([event("customer.subscription.updated", subscription({ id: sub, status: "active", periodEnd: end }))]);
    expect(await stateOf(sub)).toMatchObject({ status: "ACTIVE", statusReason: null });
  });

  it("never lifts an admin's or a dispute's suspension", async () => {
    for (const reason of ["admin", "dispute"]) {
      const { sub } = await subscribed();
      await sql("UPDATE licenses SET status = 'SUSPENDED', status_reason = $2 WHERE stripe_subscription_id = $1", [sub, reason]);
      const paidThrough = daysFromNow(60);
      await deliverAll([
        event("invoice.paid", invoice({ subscription: sub, periodEnd: paidThrough })),
        event("customer.subscription.updated", subscription({ id: sub, status: "active", periodEnd: paidThrough })),
      ]);
      // The period was paid, so the date moves; the suspension stays.
      expect(await stateOf(sub)).toEqual({ status: "SUSPENDED", statusReason: reason, expiresAt: at(paidThrough) });
      await deliverAll([event("invoice.payment_failed", invoice({ subscription: sub, periodEnd: daysFromNow(90) }))]);
      expect(await stateOf(sub)).toMatchObject({ status: "SUSPENDED", statusReason: reason });
    }
  });
});

describe("cancellation", () => {
  it("keeps a canceled subscription's license until the period end", async () => {
    const end = daysFromNow(20);
    const { sub } = await subscribed(end);
    await deliverAll([event("customer.subscription.updated", subscription({ id: sub, status: "canceled", periodEnd: end }))]);
    expect(await stateOf(sub)).toEqual({ status: "ACTIVE", statusReason: null, expiresAt: at(end) });
  });

  it("expires a canceled subscription's license at once when its period has ended", async () => {
    const { sub } = await subscribed(daysFromNow(20));
    const ended = daysFromNow(-1);
    await deliverAll([event("customer.subscription.updated", subscription({ id: sub, status: "canceled", periodEnd: ended }))]);
    expect(await stateOf(sub)).toEqual({ status: "EXPIRED", statusReason: "canceled", expiresAt: at(ended) });
  });

  it("expires the license now on customer.subscription.deleted, and a late invoice does not revive it", async () => {
    const created = unix(new Date());
    const { sub } = await subscribed(daysFromNow(20));
    const before = Date.now();
    await deliverAll([event("customer.subscription.deleted", subscription({ id: sub, status: "canceled", periodEnd: daysFromNow(20) }), { created: created + 20 })]);
    const state = await stateOf(sub);
    expect(state).toMatchObject({ status: "EXPIRED", statusReason: "canceled" });
    expect(new Date(state.expiresAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(state.expiresAt).getTime()).toBeLessThanOrEqual(Date.now());

    await deliverAll([event("invoice.paid", invoice({ subscription: sub, periodEnd: daysFromNow(50) }), { created: created + 10 })]);
    expect(await stateOf(sub)).toEqual(state);
  });
});

describe("order of delivery", () => {
  it("ends the same when invoice.paid arrives before checkout.session.completed", async () => {
    // The first period (20 days) is shorter than the plan's duration (31 days): the invoice decides.
    const periodEnd = daysFromNow(20);
    const inOrder = await purchase({ periodEnd });
    await deliverAll([inOrder.checkout, inOrder.firstPaid]);
    const reversed = await purchase({ periodEnd });
    await deliverAll([reversed.firstPaid]);
    expect(await sql("SELECT id FROM licenses WHERE stripe_subscription_id = $1", [reversed.sub])).toHaveLength(0);
    await deliverAll([reversed.checkout]);

    const expected = { status: "ACTIVE", statusReason: null, expiresAt: at(periodEnd) };
    expect(await stateOf(inOrder.sub)).toEqual(expected);
    expect(await stateOf(reversed.sub)).toEqual(expected);
    const license = await licenseOf(reversed.sub);
    expect(await sql("SELECT id FROM payments WHERE license_id = $1", [license.id])).toHaveLength(1);
    // The deferred invoice's change is audited under its own event id.
    const audit = await sql("SELECT actor_id FROM audit_logs WHERE action = 'license.update' AND target_id = $1", [license.id]);
    expect(audit).toEqual([{ actor_id: reversed.firstPaid.id }]);
  });

  /** A subscription's life: bought, a renewal declines, the retry succeeds, and (optionally) the next renewal declines. */
  async function history(endsDeclined: boolean, t0: number) {
    const day = 86_400;
    const p = await purchase({ periodEnd: t0 + 20 * day, created: t0 });
    const renewed = t0 + 50 * day;
    const next = t0 + 80 * day;
    const events = [
      p.checkout,
      p.firstPaid,
      event("invoice.payment_failed", invoice({ subscription: p.sub, periodEnd: renewed }), { created: t0 + 100 }),
      event("customer.subscription.updated", subscription({ id: p.sub, status: "past_due", periodEnd: renewed }), { created: t0 + 100 }),
      event("invoice.paid", invoice({ subscription: p.sub, periodEnd: renewed }), { created: t0 + 200 }),
      event("customer.subscription.updated", subscription({ id: p.sub, status: "active", periodEnd: renewed }), { created: t0 + 200 }),
    ];
    if (endsDeclined) {
      events.push(
        event("invoice.payment_failed", invoice({ subscription: p.sub, periodEnd: next }), { created: t0 + 300 }),
        event("customer.subscription.updated", subscription({ id: p.sub, status: "past_due", periodEnd: next }), { created: t0 + 300 }),
      );
    }
    return { sub: p.sub, events, renewed };
  }

  const orders: Record<string, (n: number) => number[]> = {
    "in order": (n) => [...Array(n).keys()],
    reversed: (n) => [...Array(n).keys()].reverse(),
    shuffled: (n) => [4, 0, 2, 1, 5, 3, 7, 6].filter((i) => i < n),
  };

  for (const endsDeclined of [false, true]) {
    it(`gives one final state in any order (${endsDeclined ? "ending past due" : "ending paid"})`, async () => {
      const t0 = unix(new Date());
      const finals = [];
      for (const [name, order] of Object.entries(orders)) {
        const { sub, events, renewed } = await history(endsDeclined, t0);
        await deliverAll(order(events.length).map((i) => events[i]!));
        const state = await stateOf(sub);
        finals.push({ name, ...state });
        expect(state.expiresAt, name).toBe(at(renewed));
        expect(state.status, name).toBe(endsDeclined ? "SUSPENDED" : "ACTIVE");
      }
      const statuses = new Set(finals.map((f) => `${f.status}/${f.statusReason === null ? "" : "payment"}/${f.expiresAt}`));
      expect(statuses.size, JSON.stringify(finals)).toBe(1);
    });
  }

  it("does not let a late, older payment failure suspend a license a newer invoice paid", async () => {
    const t0 = unix(new Date());
    const { sub } = await subscribed();
    const end = daysFromNow(60);
    await deliverAll([
      event("invoice.paid", invoice({ subscription: sub, periodEnd: end }), { created: t0 + 200 }),
      event("invoice.payment_failed", invoice({ subscription: sub, periodEnd: end }), { created: t0 + 100 }),
      event("customer.subscription.updated", subscription({ id: sub, status: "past_due", periodEnd: end }), { created: t0 + 100 }),
    ]);
    expect(await stateOf(sub)).toEqual({ status: "ACTIVE", statusReason: null, expiresAt: at(end) });
  });
});
