// The license lifecycle on time, against real PostgreSQL, a real webhook
// receiver (verifying standardwebhooks signatures) and an SMTP catcher:
// license.expired and machine.heartbeat_dead after their moment (never before) and
// once per moment, reminder emails once per term, pruning, and a scheduled job
// that runs once per slot with two engines on one database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import type { JobEngine } from "../jobs/engine";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type ReceivedEvent, type WebhookReceiver } from "../test/webhook-receiver";
import { createEndpoint } from "../webhooks/endpoints";
import { LIFECYCLE_PRUNE_QUEUE, LIFECYCLE_REMINDERS_QUEUE, LIFECYCLE_TICK_QUEUE } from "./queues";

setupTestDatabase();
const jobs = setupTestJobs();

let receiver: WebhookReceiver;
let mail: MailCatcher;
let engine: JobEngine;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
  const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url, events: ["license.expired", "machine.heartbeat_dead"] });
  receiver.secret = endpoint.secret;
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  await receiver.close();
  await mail.stop();
});

const sql = async (text: string, values: unknown[] = []) => (await db().query(text, values)).rows;
const eventsOf = (type: string, pick: (e: ReceivedEvent) => string | undefined, id: string) =>
  receiver.received.filter((e) => e.type === type && pick(e) === id);
const licenseIdOf = (e: ReceivedEvent) => (e.data.license as { id: string } | undefined)?.id;
const machineIdOf = (e: ReceivedEvent) => (e.data.machine as { id: string } | undefined)?.id;

/** Sends one job to `queue` and resolves once some worker completed it. */
async function runJob(queue: string): Promise<void> {
  const id = await engine.boss.send(queue, {});
  const started = Date.now();
  for (;;) {
    const job = await engine.boss.getJobById(queue, id!);
    if (job?.state === "completed") return;
    if (job?.state === "failed") throw new Error(`${queue} failed: ${JSON.stringify(job.output)}`);
    if (Date.now() - started > 15_000) throw new Error(`${queue} job not completed (${job?.state})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function insertMachine(licenseId: string, fingerprint: string, deadline: Date): Promise<string> {
  const [row] = await sql(
    `INSERT INTO machines (license_id, fingerprint, name, heartbeat_deadline) VALUES ($1, $2, $3, $4) RETURNING id::text`,
    [licenseId, fingerprint, `Box ${fingerprint}`, deadline],
  );
  return row.id as string;
}

describe("license lifecycle", () => {
  // Everything is set up before the first engine starts, so the start tick finds the backlog.
  const fixtures = {} as {
    pastLicense: string;
    soonLicense: string;
    soonAt: Date;
    suspendedPast: string;
    deadMachine: string;
    soonMachine: string;
    soonDeadline: Date;
    soonMachineLicense: string;
  };

  beforeAll(async () => {
    const now = Date.now();
    fixtures.pastLicense = (await createLicense({ expiresAt: new Date(now - 3600_000) })).license.id;
    fixtures.soonAt = new Date(now + 6_000);
    fixtures.soonLicense = (await createLicense({ expiresAt: fixtures.soonAt })).license.id;
    // A suspended license's expiry is not an expiry event: its status already says it cannot be used.
    fixtures.suspendedPast = (await createLicense({ expiresAt: new Date(now - 60_000), status: "SUSPENDED" })).license.id;

    const floating = await createLicense({ floating: true, maxMachines: 3 });
    fixtures.deadMachine = await insertMachine(floating.license.id, "dead-1", new Date(now - 120_000));
    fixtures.soonDeadline = new Date(now + 7_000);
    fixtures.soonMachine = await insertMachine(floating.license.id, "soon-1", fixtures.soonDeadline);
    fixtures.soonMachineLicense = floating.license.id;
    // Not floating: a node-locked machine has no heartbeat to miss.
    const locked = await createLicense({ floating: false });
    await insertMachine(locked.license.id, "locked-1", new Date(now - 120_000));

    engine = await jobs.start();
  });

  it("sends license.expired once, at start for a past expiry and after a coming one", async () => {
    await receiver.waitFor((r) => r.some((e) => e.type === "license.expired" && licenseIdOf(e) === fixtures.pastLicense), 15_000);
    const [soon] = await receiver.waitFor(
      (r) => r.some((e) => e.type === "license.expired" && licenseIdOf(e) === fixtures.soonLicense),
      20_000,
    ).then((r) => r.filter((e) => e.type === "license.expired" && licenseIdOf(e) === fixtures.soonLicense));
    // What the receiver sees: the coming expiry is reported, never dated before its moment (no
    // order between the two: on a loaded machine the engine may start after both are due, and a
    // batch is delivered concurrently). How soon after the moment
    // is a speed, measured by `npm run bench`, not asserted here (a loaded machine is slow).
    expect(soon!.data.license).toMatchObject({ id: fixtures.soonLicense, status: "EXPIRED", expiresAt: fixtures.soonAt.toISOString() });
    expect(new Date(soon!.createdAt).getTime()).toBeGreaterThanOrEqual(fixtures.soonAt.getTime());

    // More ticks, as a second instance or the next minute would run: nothing is sent twice.
    await runJob(LIFECYCLE_TICK_QUEUE);
    await runJob(LIFECYCLE_TICK_QUEUE);
    expect(eventsOf("license.expired", licenseIdOf, fixtures.pastLicense)).toHaveLength(1);
    expect(eventsOf("license.expired", licenseIdOf, fixtures.soonLicense)).toHaveLength(1);
    expect(eventsOf("license.expired", licenseIdOf, fixtures.suspendedPast)).toHaveLength(0);
    const stored = await sql(`SELECT count(*)::int AS n FROM webhook_events WHERE type = 'license.expired' AND payload->'data'->'license'->>'id' = ANY($1)`, [
      [fixtures.pastLicense, fixtures.soonLicense],
    ]);
    expect(stored[0].n).toBe(2);
    expect(receiver.rejected).toBe(0);
  }, 40_000);

  it("a renewal starts a new term: the next expiry is reported again", async () => {
    const renewedTo = new Date(Date.now() + 2_000);
    await prisma().license.update({ where: { id: fixtures.pastLicense }, data: { expiresAt: renewedTo } });
    await new Promise((r) => setTimeout(r, 2_100));
    await runJob(LIFECYCLE_TICK_QUEUE);
    await receiver.waitFor((r) => r.filter((e) => e.type === "license.expired" && licenseIdOf(e) === fixtures.pastLicense).length === 2, 5_000);
    const [, second] = eventsOf("license.expired", licenseIdOf, fixtures.pastLicense);
    expect(second!.data.license).toMatchObject({ expiresAt: renewedTo.toISOString() });
  }, 20_000);

  it("sends machine.heartbeat_dead once per missed deadline, for floating machines only", async () => {
    await receiver.waitFor((r) => r.some((e) => e.type === "machine.heartbeat_dead" && machineIdOf(e) === fixtures.deadMachine), 15_000);
    await receiver.waitFor((r) => r.some((e) => e.type === "machine.heartbeat_dead" && machineIdOf(e) === fixtures.soonMachine), 20_000);
    await runJob(LIFECYCLE_TICK_QUEUE);
    const dead = receiver.received.filter((e) => e.type === "machine.heartbeat_dead");
    expect(dead.map(machineIdOf).sort()).toEqual([fixtures.deadMachine, fixtures.soonMachine].sort());
    const event = dead.find((e) => machineIdOf(e) === fixtures.soonMachine)!;
    expect(event.data.machine).toMatchObject({ id: fixtures.soonMachine, fingerprint: "soon-1", heartbeatDeadline: fixtures.soonDeadline.toISOString() });
    expect(event.data.license).toMatchObject({ id: fixtures.soonMachineLicense });
    // Reported once the deadline was missed, never dated before it.
    expect(new Date(event.createdAt).getTime()).toBeGreaterThanOrEqual(fixtures.soonDeadline.getTime());
  }, 40_000);
});

describe("reminder emails", () => {
  it("reminds once per term before an expiry or the end of a subscription set to end, not for a self-renewing subscription unless its payment fails", async () => {
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const expiring = await createLicense({ expiresAt: inThreeDays, email: "expiring@example.com" });
    await createLicense({ expiresAt: new Date(Date.now() + 10 * 86_400_000), email: "later@example.com" });
    const renewing = await createLicense({ expiresAt: inThreeDays, email: "renewing@example.com" });
    await prisma().license.update({ where: { id: renewing.license.id }, data: { stripeSubscriptionId: "sub_renewing" } });
    const failing = await createLicense({ expiresAt: inThreeDays, email: "failing@example.com" });
    await prisma().license.update({
      where: { id: failing.license.id },
      data: { stripeSubscriptionId: "sub_failing", status: "SUSPENDED", statusReason: "payment_failed" },
    });
    // Set to end at its period's end (Stripe's cancel_at_period_end): it will not renew, so it ends like any license.
    const ending = await createLicense({ expiresAt: inThreeDays, email: "ending@example.com" });
    await prisma().license.update({ where: { id: ending.license.id }, data: { stripeSubscriptionId: "sub_ending", cancelAtPeriodEnd: true } });
    const endingQuiet = await createLicense({ expiresAt: inThreeDays, email: "ending-quiet@example.com" });
    await prisma().license.update({ where: { id: endingQuiet.license.id }, data: { stripeSubscriptionId: "sub_ending_quiet", cancelAtPeriodEnd: true } });
    await prisma().plan.update({ where: { id: endingQuiet.plan.id }, data: { reminderDays: 2 } });
    const quiet = await createLicense({ expiresAt: inThreeDays, email: "quiet@example.com" });
    await prisma().plan.update({ where: { id: quiet.plan.id }, data: { reminderDays: 0 } });

    await runJob(LIFECYCLE_REMINDERS_QUEUE);
    const expiry = await mail.waitFor((m) => m.to.includes("expiring@example.com"), 15_000);
    expect(expiry.subject).toBe(`Your ${expiring.plan.product.name} ${expiring.plan.name} license expires on ${inThreeDays.toISOString().slice(0, 10)}`);
    expect(expiry.text).toContain(`key ending ${expiring.license.keyHint}`);
    const payment = await mail.waitFor((m) => m.to.includes("failing@example.com"), 15_000);
    expect(payment.subject).toMatch(/^Payment failed: your .* license ends on /);
    const end = await mail.waitFor((m) => m.to.includes("ending@example.com"), 15_000);
    expect(end.subject).toBe(`Your ${ending.plan.product.name} ${ending.plan.name} license expires on ${inThreeDays.toISOString().slice(0, 10)}`);
    expect(end.text).toContain(`subscription (key ending ${ending.license.keyHint}) is set to end and will not renew`);
    expect(end.text).toContain("turn renewal back on");

    // Run it again: the same term is not reminded twice.
    await runJob(LIFECYCLE_REMINDERS_QUEUE);
    await new Promise((r) => setTimeout(r, 1_500));
    const to = (address: string) => mail.messages().filter((m) => m.to.includes(address));
    expect(to("expiring@example.com")).toHaveLength(1);
    expect(to("failing@example.com")).toHaveLength(1);
    expect(to("renewing@example.com")).toHaveLength(0);
    expect(to("later@example.com")).toHaveLength(0);
    expect(to("quiet@example.com")).toHaveLength(0);
    expect(to("ending@example.com")).toHaveLength(1);
    // Its plan reminds 2 days before: not yet, 3 days before the end.
    expect(to("ending-quiet@example.com")).toHaveLength(0);
    const rows = await sql(
      `SELECT to_address, kind, status FROM email_messages WHERE to_address IN ('expiring@example.com', 'failing@example.com', 'ending@example.com') ORDER BY to_address`,
    );
    expect(rows).toEqual([
      { to_address: "ending@example.com", kind: "expiry_reminder", status: "SENT" },
      { to_address: "expiring@example.com", kind: "expiry_reminder", status: "SENT" },
      { to_address: "failing@example.com", kind: "renewal_reminder", status: "SENT" },
    ]);

    // A renewal moves the expiry: the next term gets its own reminder.
    const renewedTo = new Date(inThreeDays.getTime() + 86_400_000);
    await prisma().license.update({ where: { id: expiring.license.id }, data: { expiresAt: renewedTo } });
    await runJob(LIFECYCLE_REMINDERS_QUEUE);
    await mail.waitFor((m) => m.to.includes("expiring@example.com") && m.subject.endsWith(renewedTo.toISOString().slice(0, 10)), 15_000);
  }, 60_000);
});

describe("pruning", () => {
  it("deletes expired sign-in tokens and sessions, idempotency keys past 24 hours and answers past 30 days", async () => {
    const { license, user } = await createLicense();
    await sql(`INSERT INTO verification_tokens (identifier, token, expires) VALUES ('a@example.com', 'old', now() - interval '1 minute'), ('a@example.com', 'new', now() + interval '1 hour')`);
    await sql(`INSERT INTO sessions (session_token, user_id, expires) VALUES ('s-old', $1, now() - interval '1 day'), ('s-new', $1, now() + interval '1 day')`, [user.id]);
    await sql(
      `INSERT INTO admin_idempotency_keys (actor, key, request_digest, license_id, created_at)
       VALUES ('env_token', 'old', 'x', $1, now() - interval '25 hours'), ('env_token', 'new', 'x', $1, now() - interval '23 hours')`,
      [license.id],
    );
    await sql(
      `INSERT INTO validation_events (license_id, endpoint, code, at) VALUES ($1, 'validate', 'VALID', now() - interval '31 days'), ($1, 'validate', 'VALID', now())`,
      [license.id],
    );
    await runJob(LIFECYCLE_PRUNE_QUEUE);
    expect(await sql(`SELECT token FROM verification_tokens`)).toEqual([{ token: "new" }]);
    expect(await sql(`SELECT session_token FROM sessions`)).toEqual([{ session_token: "s-new" }]);
    expect(await sql(`SELECT key FROM admin_idempotency_keys`)).toEqual([{ key: "new" }]);
    expect(await sql(`SELECT count(*)::int AS n FROM validation_events WHERE license_id = $1`, [license.id])).toEqual([{ n: 1 }]);
  }, 30_000);
});

describe("schedules with two instances", () => {
  it("a scheduled job runs once per slot, not once per instance", async () => {
    await jobs.start();
    const since = new Date();
    // The next minute slot plus pg-boss's cron check interval (10 s) and a poll.
    const nextSlot = Math.ceil((since.getTime() + 1) / 60_000) * 60_000;
    const deadline = nextSlot + 25_000;
    let runs: { id: string; state: string }[] = [];
    for (;;) {
      runs = await sql(
        `SELECT id::text, state::text FROM pgboss.job WHERE name = $1 AND data = '{}'::jsonb AND created_on >= $2`,
        [LIFECYCLE_TICK_QUEUE, since],
      );
      if (runs.some((r) => r.state === "completed") || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    // Give the other instance's cron every chance to add its own.
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(deadline, Date.now() + 12_000) - Date.now())));
    runs = await sql(`SELECT id::text, state::text FROM pgboss.job WHERE name = $1 AND data = '{}'::jsonb AND created_on >= $2`, [LIFECYCLE_TICK_QUEUE, since]);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.state).toBe("completed");
  }, 100_000);
});
