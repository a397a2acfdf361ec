// Issue 11, items 3 and 4, on the Stripe webhook: text Stripe sends is recorded
// and processed with U+0000 and unpaired surrogates replaced (never a 500 that
// loses the event), and Checkout Sessions the portal did not create are answered
// 2xx and recorded as IGNORED with the reason, visible in the console's event log.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { POST } from "../../../app/api/stripe/webhook/route";
import { loadDashboard } from "../../admin/dashboard";
import { loadLicensePage } from "../../admin/license-page";
import { listStripeEvents } from "../../admin/stripe-events";
import { formatMoney } from "../../catalog/money";
import { setupTestDatabase } from "../../test/database";
import { createPlan } from "../../test/licenses";
import { WEBHOOK_SECRET, checkoutSession, deliver, event, setWebhookEnv, sql } from "./test-kit";

setupTestDatabase();
setWebhookEnv();

const OK = { status: 200, json: { received: true } };
type Json = Record<string, unknown>;

/** Delivers a raw body (so JSON escapes like \u0000 arrive exactly as Stripe would send them), signed. */
async function deliverRaw(payload: string) {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const response = await POST(
    new Request("https://portal.test/api/stripe/webhook", { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload }),
  );
  return { status: response.status, json: await response.json() };
}

describe("ill-formed text inside Stripe events", () => {
  it("records and processes a paid checkout whose customer name holds U+0000 and a lone surrogate", async () => {
    const plan = await createPlan();
    const session = checkoutSession({ plan: plan.slug, email: "nul.name@example.test" }) as Json;
    session.customer_details = { ...(session.customer_details as Json), name: "Kim__NUL__Park__SUR__" };
    const evt = event("checkout.session.completed", session);
    const raw = JSON.stringify(evt).replace("__NUL__", "\\u0000").replace("__SUR__", "\\ud800");
    expect(raw).toContain("\\u0000");

    expect(await deliverRaw(raw)).toEqual(OK);
    const [row] = await sql("SELECT status, payload FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row.status).toBe("PROCESSED");
    expect(row.payload.data.object.customer_details.name).toBe("Kim\uFFFDPark\uFFFD");
    expect(await sql("SELECT count(*)::int AS n FROM licenses WHERE stripe_checkout_session_id = $1", [session.id])).toEqual([{ n: 1 }]);
    // A repeat delivery is a duplicate, not a second license.
    expect(await deliverRaw(raw)).toEqual(OK);
    expect(await sql("SELECT count(*)::int AS n FROM licenses WHERE stripe_checkout_session_id = $1", [session.id])).toEqual([{ n: 1 }]);
  });

  it("records an unhandled event type full of ill-formed text as IGNORED, keys included", async () => {
    const evt = event("customer.updated", { id: "cus_x", object: "customer", name: "__NUL__", metadata: { "k__SUR__": "v" } });
    const raw = JSON.stringify(evt).replaceAll("__NUL__", "\\u0000").replaceAll("__SUR__", "\\udfff");
    expect(await deliverRaw(raw)).toEqual(OK);
    const [row] = await sql("SELECT status, payload FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row.status).toBe("IGNORED");
    expect(row.payload.data.object).toMatchObject({ name: "\uFFFD", metadata: { "k\uFFFD": "v" } });
  });

  it("uses a scrubbed buyer email too: the license is minted for the address with U+FFFD, not lost", async () => {
    const plan = await createPlan();
    const session = checkoutSession({ plan: plan.slug, email: "odd__NUL__@example.test" }) as Json;
    const evt = event("checkout.session.completed", session);
    expect(await deliverRaw(JSON.stringify(evt).replace("__NUL__", "\\u0000"))).toEqual(OK);
    const [row] = await sql("SELECT u.email FROM licenses l JOIN users u ON u.id = l.user_id WHERE l.stripe_checkout_session_id = $1", [session.id]);
    expect(row.email).toBe("odd\uFFFD@example.test");
  });
});

describe("checkout sessions the portal did not create", () => {
  const cases: [string, (plan: string) => Json][] = [
    ["a paid Payment Link session with empty metadata (the issue's input)", () => ({ ...checkoutSession({}), payment_link: "plink_123", metadata: {} })],
    ["another application's session on the same account", () => ({ ...checkoutSession({}), metadata: { order_id: "A-1001", app: "shop" } })],
    ["a setup-mode session", (plan) => ({ ...checkoutSession({ plan }), mode: "setup", payment_status: "no_payment_required", amount_total: null })],
    ["an unpaid session", (plan) => checkoutSession({ plan, paymentStatus: "unpaid" })],
    ["a session whose metadata.plan is blank", () => ({ ...checkoutSession({}), metadata: { plan: "  " } })],
  ];

  it.each(cases)("answers 2xx to %s, records it IGNORED with the reason, and mints nothing", async (_name, make) => {
    const plan = await createPlan();
    const session = make(plan.slug);
    const evt = event("checkout.session.completed", session);
    const before = await sql("SELECT (SELECT count(*)::int FROM licenses) AS l, (SELECT count(*)::int FROM users) AS u, (SELECT count(*)::int FROM payments) AS p");
    expect(await deliver(evt)).toEqual(OK);
    expect(await deliver(evt)).toEqual(OK); // and every repeat
    const [row] = await sql("SELECT status, reason, error, attempts FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row).toMatchObject({ status: "IGNORED", error: null, attempts: 1 });
    expect(row.reason).toMatch(new RegExp(`^Checkout session ${session.id} `));
    expect(await sql("SELECT (SELECT count(*)::int FROM licenses) AS l, (SELECT count(*)::int FROM users) AS u, (SELECT count(*)::int FROM payments) AS p")).toEqual(before);

    const listed = await listStripeEvents({ status: "IGNORED", page: 1 });
    expect(listed.items.find((e) => e.id === evt.id)?.reason).toBe(row.reason);
  });

  it("keeps a session naming an unknown plan FAILED, so it can be re-run once the plan exists", async () => {
    const evt = event("checkout.session.completed", checkoutSession({ plan: "plan-that-comes-later" }));
    const errors = (await import("vitest")).vi.spyOn(console, "error").mockImplementation(() => {});
    expect((await deliver(evt)).status).toBe(400);
    errors.mockRestore();
    expect((await sql("SELECT status FROM stripe_events WHERE id = $1", [evt.id]))[0].status).toBe("FAILED");
  });
});

describe("amounts past int4 (2,147,483,647 minor units)", () => {
  it.each([
    ["jpy", 5_000_000_000, "¥5,000,000,000"],
    ["idr", 999_999_999_999, "IDR 9,999,999,999.99"],
  ])("records a paid %s checkout of %d minor units exactly: license, payment, event and pages", async (currency, amount, shown) => {
    const plan = await createPlan();
    const evt = event("checkout.session.completed", { ...checkoutSession({ plan: plan.slug, amountTotal: amount }), currency });
    const session = (evt.data as { object: Json }).object;

    expect(await deliver(evt)).toEqual(OK);
    const [row] = await sql("SELECT status FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row.status).toBe("PROCESSED");
    const [payment] = await sql("SELECT license_id, amount_cents::text AS amount, currency FROM payments WHERE stripe_checkout_session_id = $1", [session.id]);
    expect(payment).toMatchObject({ amount: String(amount), currency });
    const [recorded] = await sql("SELECT payload FROM webhook_events WHERE type = 'payment.succeeded' AND payload->'data'->'payment'->>'licenseId' = $1", [payment.license_id]);
    expect(recorded.payload.data.payment.amount).toBe(amount);

    // The console shows it with the currency's own exponent, and the dashboard sums it without overflowing.
    expect(formatMoney(amount, currency).replace(/\s/g, " ")).toBe(shown);
    const page = await loadLicensePage(payment.license_id);
    expect(page!.payments).toEqual([expect.objectContaining({ amountCents: amount, currency })]);
    const dashboard = await loadDashboard(7);
    expect(dashboard.revenue.find((r) => r.currency === currency)?.totalCents).toBe(BigInt(amount));

    // A repeat delivery changes nothing.
    expect(await deliver(evt)).toEqual(OK);
    expect(await sql("SELECT id FROM payments WHERE stripe_checkout_session_id = $1", [session.id])).toHaveLength(1);
  });
});
