// The webhook route's answers: signatures, unknown events, failures and outages.
import Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import { closeDatabase } from "../../db/client";
import { setupTestDatabase } from "../../test/database";
import { createPlan } from "../../test/licenses";
import { rerunStripeEvent } from "./process-event";
import { checkoutSession, deliver, event, sql, stripeId, unix, setWebhookEnv, WEBHOOK_SECRET } from "./test-kit";
import { logger } from "../../logging/logger";

setupTestDatabase();
setWebhookEnv();

afterEach(() => {
  vi.restoreAllMocks();
});

async function counts() {
  const [row] = await sql(
    `SELECT (SELECT count(*) FROM stripe_events)::int AS events, (SELECT count(*) FROM licenses)::int AS licenses,
            (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM payments)::int AS payments,
            (SELECT count(*) FROM audit_logs)::int AS audits`,
  );
  return row;
}

describe("signature", () => {
  it("refuses a missing, wrong or stale signature with 400 and writes nothing", async () => {
    const plan = await createPlan({ durationDays: 365 });
    const paid = event("checkout.session.completed", checkoutSession({ plan: plan.slug }));
    const before = await counts();

    const missing = await deliver(paid, { signature: null });
    const wrongSecret = await deliver(paid, { secret: "whsec_someone_else" });
    const garbage = await deliver(paid, { signature: "t=1,v1=deadbeef" });
    const stale = await deliver(paid, { timestamp: unix(new Date()) - 6 * 60 });
    // Signed for one body, sent with another.
    const header = Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(paid), secret: WEBHOOK_SECRET });
    const tampered = await deliver({ ...paid, id: stripeId("evt") }, { signature: header });

    for (const answer of [missing, wrongSecret, garbage, stale, tampered]) {
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: "BAD_REQUEST" } });
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a body over 1 MiB with 413, before verifying or writing anything", async () => {
    const before = await counts();
    const huge = event("customer.created", { id: stripeId("cus"), object: "customer", description: "x".repeat(1024 * 1024) });
    const answer = await deliver(huge);
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(await counts()).toEqual(before);
  });

  it("accepts a signature within the 5-minute tolerance", async () => {
    const answer = await deliver(event("customer.created", { id: stripeId("cus"), object: "customer" }), {
      timestamp: unix(new Date()) - 4 * 60,
    });
    expect(answer).toEqual({ status: 200, json: { received: true } });
  });
});

describe("event types", () => {
  it("answers 200 to an unknown type and records it IGNORED", async () => {
    const evt = event("plan.created", { id: "price_x", object: "plan" });
    expect(await deliver(evt)).toEqual({ status: 200, json: { received: true } });
    const [row] = await sql("SELECT type, status, attempts, processed_at, payload FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row).toMatchObject({ type: "plan.created", status: "IGNORED", attempts: 1 });
    expect(row.processed_at).toBeInstanceOf(Date);
    expect(row.payload).toEqual(evt);
    // A repeat is answered 200 too, and changes nothing.
    expect(await deliver(evt)).toEqual({ status: 200, json: { received: true } });
    expect((await sql("SELECT attempts FROM stripe_events WHERE id = $1", [evt.id]))[0].attempts).toBe(1);
  });
});

describe("failures", () => {
  it("records a checkout for an unknown plan as FAILED, answers 400 naming the cause, mints nothing, and re-runs once the plan exists", async () => {
    vi.spyOn(logger(), "error").mockImplementation(() => {});
    const slug = `plan-later-${stripeId("x")}`;
    const evt = event("checkout.session.completed", checkoutSession({ plan: slug }));
    const before = await counts();

    const first = await deliver(evt);
    expect(first.status).toBe(400);
    expect(first.json).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect((first.json as { error: { message: string } }).error.message).toContain(`unknown plan "${slug}"`);
    let [row] = await sql("SELECT status, error, attempts FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(row.error).toContain(`unknown plan "${slug}"`);
    const after = await counts();
    expect({ ...after, events: before.events }).toEqual(before);

    // Stripe's retry fails the same way and is counted.
    expect((await deliver(evt)).status).toBe(400);
    [row] = await sql("SELECT status, attempts FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row).toMatchObject({ status: "FAILED", attempts: 2 });

    // The admin adds the plan and re-runs the stored event: it mints, once.
    const plan = await createPlan({ durationDays: 30 });
    await sql("UPDATE plans SET slug = $1 WHERE id = $2", [slug, plan.id]);
    expect(await rerunStripeEvent(evt.id as string)).toBe("processed");
    expect(await rerunStripeEvent(evt.id as string)).toBe("duplicate");
    expect(await deliver(evt)).toEqual({ status: 200, json: { received: true } });
    [row] = await sql("SELECT status, error, attempts, processed_at FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row).toMatchObject({ status: "PROCESSED", error: null, attempts: 3 });
    const session = (evt.data as { object: { id: string } }).object;
    expect(await sql("SELECT id FROM licenses WHERE stripe_checkout_session_id = $1", [session.id])).toHaveLength(1);
  });

  it("rejects a re-run of an event that was never received", async () => {
    await expect(rerunStripeEvent("evt_never")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers 503 while the database is unreachable, so Stripe retries", async () => {
    vi.spyOn(logger(), "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    const evt = event("checkout.session.completed", checkoutSession({ plan: plan.slug }));
    const url = process.env.DATABASE_URL;
    await closeDatabase();
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/x";
    try {
      const answer = await deliver(evt);
      expect(answer.status).toBe(503);
      expect(answer.json).toMatchObject({ error: { code: "UNAVAILABLE" } });
    } finally {
      await closeDatabase();
      process.env.DATABASE_URL = url;
    }
    // Nothing was recorded, so the retry is handled in full.
    expect(await sql("SELECT id FROM stripe_events WHERE id = $1", [evt.id])).toHaveLength(0);
    expect(await deliver(evt)).toEqual({ status: 200, json: { received: true } });
    expect((await sql("SELECT status FROM stripe_events WHERE id = $1", [evt.id]))[0].status).toBe("PROCESSED");
  });
});
