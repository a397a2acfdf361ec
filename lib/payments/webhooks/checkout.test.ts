// Fulfilment: a paid Checkout Session mints exactly one license, records the
// payment and queues the key email in the same transaction (the outbox sends it).
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prisma } from "../../db/client";
import { decryptLicenseKey, hashLicenseKey } from "../../licensing/keys";
import { runtimeKeys } from "../../licensing/runtime-keys";
import { setupTestDatabase } from "../../test/database";
import { setupTestJobs } from "../../test/jobs";
import { createPlan } from "../../test/licenses";
import { checkoutSession, deliver, event, sql, stripeId, setWebhookEnv } from "./test-kit";

setupTestDatabase();
const jobs = setupTestJobs();
setWebhookEnv();

const DAY_MS = 86_400_000;
const OK = { status: 200, json: { received: true } };

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.SMTP_URL;
});

type Session = ReturnType<typeof checkoutSession> & { id: string };
const sessionOf = (evt: ReturnType<typeof event>) => (evt.data as { object: Session }).object;

async function licenseOfSession(sessionId: string) {
  return sql("SELECT * FROM licenses WHERE stripe_checkout_session_id = $1", [sessionId]);
}

describe("checkout.session.completed", () => {
  it("mints one license for a new buyer, with the Stripe ids, the payment and an audit entry", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 365 });
    const evt = event("checkout.session.completed", checkoutSession({ plan: plan.slug, email: "New.Buyer@Example.com", amountTotal: 12_900 }));
    const session = sessionOf(evt);
    const started = Date.now();

    expect(await deliver(evt)).toEqual(OK);

    const [user] = await sql("SELECT * FROM users WHERE email = 'new.buyer@example.com'");
    expect(user.stripe_customer_id).toBe(session.customer);
    const licenses = await licenseOfSession(session.id);
    expect(licenses).toHaveLength(1);
    const license = licenses[0];
    expect(license).toMatchObject({
      status: "ACTIVE",
      user_id: user.id,
      plan_id: plan.id,
      stripe_customer_id: session.customer,
      stripe_payment_intent_id: session.payment_intent,
      stripe_subscription_id: null,
    });
    const expiry = (license.expires_at as Date).getTime();
    expect(expiry).toBeGreaterThanOrEqual(started + 365 * DAY_MS - 1000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 365 * DAY_MS);

    const payments = await sql("SELECT * FROM payments WHERE license_id = $1", [license.id]);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ user_id: user.id, amount_cents: "12900", currency: "usd", stripe_checkout_session_id: session.id, stripe_invoice_id: null });

    const audit = await sql("SELECT * FROM audit_logs WHERE action = 'license.create' AND target_id = $1", [license.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: "stripe", actor_id: evt.id });
    expect(audit[0].data).toMatchObject({ plan: plan.slug, email: "new.buyer@example.com", checkoutSession: session.id, keyHint: license.key_hint });

    const [row] = await sql("SELECT status, processed_at FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row.status).toBe("PROCESSED");

    // No workers here: the key email waits in the outbox, committed with the license; nothing in clear holds the key.
    const key = decryptLicenseKey(license.key_ciphertext, runtimeKeys().aesKey);
    const emails = await sql("SELECT * FROM email_messages WHERE to_address = 'new.buyer@example.com'");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ kind: "license_key", status: "PENDING", attempts: 0 });
    expect(JSON.stringify(emails)).not.toContain(key);
    expect(errors.mock.calls.map((args) => args.map(String).join(" ")).join("\n")).not.toContain(key);
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it("emails the key and a sign-in link to the buyer", async () => {
    const received: ParsedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, done) {
        simpleParser(stream).then((mail) => {
          received.push(mail);
          done();
        }, done);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    try {
      const plan = await createPlan({ durationDays: 30 });
      await prisma().plan.update({ where: { id: plan.id }, data: { name: `Team <"5 seats">` } });
      const evt = event("checkout.session.completed", checkoutSession({ plan: plan.slug, email: "mail.me@example.com" }));
      expect(await deliver(evt)).toEqual(OK);
      await jobs.start();
      const mine = () => received.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === "mail.me@example.com");
      while (mine().length === 0) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300));

      expect(mine()).toHaveLength(1);
      const mail = mine()[0]!;
      expect(mail.to).toMatchObject({ text: "mail.me@example.com" });
      expect(mail.subject).toBe(`Your license key for ${plan.product.name} Team <"5 seats">`);
      const [license] = await licenseOfSession(sessionOf(evt).id);
      const key = mail.text?.match(/Your license key: (\S+)/)?.[1] ?? "";
      // The emailed key is the license's key: its keyed hash is the one stored.
      expect(hashLicenseKey(key, runtimeKeys().hmacKey)).toBe(license.key_hash);
      expect(mail.text).toContain("https://portal.test/signin");
      expect(mail.html).toContain(key);
      expect(mail.html).toContain("Team &lt;&quot;5 seats&quot;&gt;");
      expect(mail.html).not.toContain(`Team <"5 seats">`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("mints exactly once when the same event arrives 20 times, 10 at once", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    const evt = event("checkout.session.completed", checkoutSession({ plan: plan.slug }));
    const session = sessionOf(evt);

    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(evt)));
      expect(answers).toEqual(Array.from({ length: 10 }, () => OK));
    }

    const licenses = await licenseOfSession(session.id);
    expect(licenses).toHaveLength(1);
    expect(await sql("SELECT id FROM payments WHERE stripe_checkout_session_id = $1", [session.id])).toHaveLength(1);
    expect(await sql("SELECT id FROM audit_logs WHERE action = 'license.create' AND target_id = $1", [licenses[0].id])).toHaveLength(1);
    expect(await sql("SELECT status, attempts FROM stripe_events WHERE id = $1", [evt.id])).toEqual([{ status: "PROCESSED", attempts: 1 }]);
    // One key email queued: repeats queue nothing.
    const queued = await sql(
      "SELECT e.id FROM email_messages e JOIN users u ON u.email = e.to_address JOIN licenses l ON l.user_id = u.id WHERE l.id = $1",
      [licenses[0].id],
    );
    expect(queued).toHaveLength(1);
    expect(errors).not.toHaveBeenCalled();
  });

  it("mints once when completed and async_payment_succeeded both arrive paid, at once", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    const session = checkoutSession({ plan: plan.slug });
    const answers = await Promise.all([
      deliver(event("checkout.session.completed", session)),
      deliver(event("checkout.session.async_payment_succeeded", session)),
    ]);
    expect(answers).toEqual([OK, OK]);
    expect(await licenseOfSession(session.id as string)).toHaveLength(1);
  });

  it("mints nothing for an unpaid session, then mints on async_payment_succeeded", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    const pending = checkoutSession({ plan: plan.slug, paymentStatus: "unpaid" });
    const completed = event("checkout.session.completed", pending);

    expect(await deliver(completed)).toEqual(OK);
    expect((await sql("SELECT status, reason FROM stripe_events WHERE id = $1", [completed.id]))[0]).toEqual({
      status: "IGNORED",
      reason: expect.stringContaining("not paid yet"),
    });
    expect(await licenseOfSession(pending.id as string)).toHaveLength(0);
    expect(await sql("SELECT id FROM payments WHERE stripe_checkout_session_id = $1", [pending.id])).toHaveLength(0);

    expect(await deliver(event("checkout.session.async_payment_succeeded", { ...pending, payment_status: "paid" }))).toEqual(OK);
    expect(await licenseOfSession(pending.id as string)).toHaveLength(1);
    expect(await sql("SELECT id FROM payments WHERE stripe_checkout_session_id = $1", [pending.id])).toHaveLength(1);
  });

  it("mints nothing for a session whose payment_status is neither paid nor no_payment_required: ignored with the reason", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    for (const status of ["maybe", "PAID", "", null, undefined]) {
      const session: Record<string, unknown> = { ...checkoutSession({ plan: plan.slug }), payment_status: status };
      const completed = event("checkout.session.completed", session);
      expect(await deliver(completed), String(status)).toEqual(OK);
      expect((await sql("SELECT status, reason FROM stripe_events WHERE id = $1", [completed.id]))[0]).toEqual({
        status: "IGNORED",
        reason: expect.stringContaining('not "paid" or "no_payment_required"'),
      });
      expect(await licenseOfSession(session.id as string)).toHaveLength(0);
      expect(await sql("SELECT id FROM payments WHERE stripe_checkout_session_id = $1", [session.id])).toHaveLength(0);
    }
  });

  it("fulfils a session that needed no payment (full discount or trial)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    const session = checkoutSession({ plan: plan.slug, paymentStatus: "no_payment_required", amountTotal: 0 });
    expect(await deliver(event("checkout.session.completed", session))).toEqual(OK);
    expect(await licenseOfSession(session.id as string)).toHaveLength(1);
  });

  it("creates one account when two purchases by a new email arrive at once", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    const email = `twice-${stripeId("u")}@example.com`;
    const sessions = [checkoutSession({ plan: plan.slug, email }), checkoutSession({ plan: plan.slug, email })];
    const answers = await Promise.all(sessions.map((session) => deliver(event("checkout.session.completed", session))));
    expect(answers).toEqual([OK, OK]);
    const users = await sql("SELECT id FROM users WHERE email = $1", [email]);
    expect(users).toHaveLength(1);
    expect(await sql("SELECT id FROM licenses WHERE user_id = $1", [users[0].id])).toHaveLength(2);
  });

  it("gives the license to the signed-in buyer named by client_reference_id", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    const account = await prisma().user.create({ data: { email: `signed-in-${stripeId("u")}@example.com`, stripeCustomerId: null } });
    const session = checkoutSession({ plan: plan.slug, clientReferenceId: account.id, email: "typed-at-checkout@example.com" });
    expect(await deliver(event("checkout.session.completed", session))).toEqual(OK);
    expect((await licenseOfSession(session.id as string))[0].user_id).toBe(account.id);
    expect(await sql("SELECT id FROM users WHERE email = 'typed-at-checkout@example.com'")).toHaveLength(0);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: account.id } })).stripeCustomerId).toBe(session.customer);
  });

  it("reuses the account of an email typed in other casing, and keeps its existing Stripe customer", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const plan = await createPlan({ durationDays: 30 });
    // Stored addresses are in identity form (the database enforces it); the buyer typed it differently.
    const account = await prisma().user.create({ data: { email: "casey@example.com", stripeCustomerId: stripeId("cus") } });
    const session = checkoutSession({ plan: plan.slug, email: " Casey@Example.COM", clientReferenceId: "not-a-uuid" });
    expect(await deliver(event("checkout.session.completed", session))).toEqual(OK);
    expect((await licenseOfSession(session.id as string))[0].user_id).toBe(account.id);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: account.id } })).stripeCustomerId).toBe(account.stripeCustomerId);
  });

  it("ignores a session that names no plan (not the portal's), minting nothing", async () => {
    const evt = event("checkout.session.completed", checkoutSession({}));
    expect(await deliver(evt)).toEqual(OK);
    const [row] = await sql("SELECT status, error, reason FROM stripe_events WHERE id = $1", [evt.id]);
    expect(row).toMatchObject({ status: "IGNORED", error: null, reason: expect.stringContaining("not created by this portal") });
    expect(await licenseOfSession(sessionOf(evt).id)).toHaveLength(0);
  });

  it("says what is wrong with a metadata.plan that is no plan slug (a number, an object, blank), minting nothing", async () => {
    for (const [plan, says] of [
      [5, 'metadata "plan" is not a plan slug but 5'],
      [{ slug: "x" }, 'metadata "plan" is not a plan slug but {"slug":"x"}'],
      ["  ", 'metadata "plan" is empty'],
    ] as const) {
      const session: Record<string, unknown> = { ...checkoutSession({}), metadata: { plan, order: "7" } };
      const evt = event("checkout.session.completed", session);
      expect(await deliver(evt)).toEqual(OK);
      const [row] = await sql("SELECT status, reason FROM stripe_events WHERE id = $1", [evt.id]);
      expect(row).toEqual({ status: "IGNORED", reason: expect.stringContaining(says) });
      expect(await licenseOfSession(session.id as string)).toHaveLength(0);
    }
  });
});
