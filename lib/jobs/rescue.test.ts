// The minutely rescue of deliveries and emails whose pg-boss job was lost
// (lib/jobs/rescue.ts), against real PostgreSQL, the real job engine, a real
// receiver verifying every delivery with `standardwebhooks` and a real SMTP
// catcher: a job deleted from pg-boss (the loss) is queued again and its
// delivery / email arrives once; a delivery whose job is alive, or whose send
// is under way (a live lease), is left alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { enqueueEmail, rescueStuckEmails } from "../email/outbox";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { planOf, rowsTouched } from "../test/query-plan";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { createEndpoint, updateEndpoint } from "../webhooks/endpoints";
import { recordLicenseEvent } from "../webhooks/record";
import { rescueStuckDeliveries } from "../webhooks/rescue";
import { rescueStuckWork } from "./rescue";

setupTestDatabase();
const jobs = setupTestJobs();

let receiver: WebhookReceiver;
let mail: MailCatcher;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  await receiver.close();
  await mail.stop();
});

/** pg-boss jobs (any state) whose data names `id` under `key`. */
async function bossJobs(key: string, id: string): Promise<{ state: string }[]> {
  const { rows } = await db().query<{ state: string }>(`SELECT state::text FROM pgboss.job WHERE data->>'${key}' = $1`, [id]);
  return rows;
}

async function outboxRows(key: string, id: string): Promise<number> {
  const { rows } = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM job_outbox WHERE data->>'${key}' = $1`, [id]);
  return rows[0]!.n;
}

/**
 * Jobs waiting for `id`: outbox rows plus pg-boss jobs not yet finished, read in ONE statement.
 * The engine moves an outbox row into pg-boss in one transaction, so one snapshot sees the job in
 * exactly one of the two places; two separate reads could count it in both (a move in between).
 */
async function waiting(key: string, id: string): Promise<number> {
  const { rows } = await db().query<{ n: number }>(
    `SELECT (SELECT count(*) FROM job_outbox WHERE data->>'${key}' = $1)
          + (SELECT count(*) FROM pgboss.job WHERE data->>'${key}' = $1 AND state <> 'completed') AS n`,
    [id],
  );
  return Number(rows[0]!.n);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value)) return value;
    if (i > 600) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("rescuing work whose job was lost", () => {
  it("with thousands of jobs waiting: reads none of them when nothing is overdue; with a backlog overdue, queues exactly the rows whose job is gone, oldest first, reading each row a bounded number of times", async () => {
    const backlog = 3000;
    const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url, events: ["license.suspended"] });
    try {
      await jobs.start({ work: false }); // the queues' pg-boss partitions
      await db().query(
        `INSERT INTO webhook_events (id, type, payload) SELECT 'evt_backlog_' || g, 'license.suspended', '{}'::jsonb FROM generate_series(1, $1::int) g`,
        [backlog],
      );
      // Rows due in an hour, each with its job waiting in pg-boss (no engine here has workers yet).
      await db().query(
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, updated_at)
         SELECT 'evt_backlog_' || g, $2::uuid, now() + interval '1 hour', now() FROM generate_series(1, $1::int) g`,
        [backlog, endpoint.id],
      );
      await db().query(
        `INSERT INTO email_messages (kind, to_address, subject, body_ciphertext, next_attempt_at, updated_at)
         SELECT 'license_key', 'backlog-' || g || '@example.com', 'Backlog', 'x', now() + interval '1 hour', now() FROM generate_series(1, $1::int) g`,
        [backlog],
      );
      const ids = async (table: string, where: string) => (await db().query<{ id: string }>(`SELECT id::text FROM ${table} WHERE ${where} ORDER BY id`)).rows.map((r) => r.id);
      const deliveries = await ids("webhook_deliveries", `endpoint_id = '${endpoint.id}'`);
      const emails = await ids("email_messages", "to_address LIKE 'backlog-%'");
      for (const [queue, key, rows] of [["webhook.deliver", "deliveryId", deliveries], ["email.send", "emailId", emails]] as const) {
        await db().query(
          `INSERT INTO pgboss.job (name, data, start_after) SELECT $1, jsonb_build_object($2::text, id, 'attempt', 0), now() + interval '1 hour' FROM unnest($3::text[]) id`,
          [queue, key, rows],
        );
      }

      // The statements' own work, from EXPLAIN ANALYZE in a transaction rolled back: the rows their
      // plans touched (lib/test/query-plan.ts). A plan comparing each row with each job (the
      // nested-loop anti join the old NOT EXISTS form got) touches ~backlog² of them.
      const work = async (rescue: typeof rescueStuckEmails) => {
        const client = await db().connect();
        try {
          await client.query("BEGIN");
          let touched = 0;
          await rescue({
            query: async (text: string, values?: unknown[]) => {
              const result = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
              touched += rowsTouched(planOf(result.rows[0]));
              return { ...result, rows: [] };
            },
          } as unknown as Parameters<typeof rescueStuckEmails>[0]);
          return touched;
        } finally {
          await client.query("ROLLBACK");
          client.release();
        }
      };
      // Nothing overdue (most minutes): the waiting jobs are not read at all.
      for (const rescue of [rescueStuckEmails, rescueStuckDeliveries]) expect(await work(rescue)).toBeLessThan(100);

      // All overdue, oldest first in `ids` order: each candidate is read a bounded number of times.
      for (const table of ["webhook_deliveries", "email_messages"]) {
        await db().query(
          `UPDATE ${table} SET next_attempt_at = now() - interval '1 hour' - o.n * interval '1 second'
           FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM ${table}) o
           WHERE ${table}.id = o.id AND ${table}.id = ANY($1::uuid[])`,
          [table === "email_messages" ? emails : deliveries],
        );
      }
      for (const rescue of [rescueStuckEmails, rescueStuckDeliveries]) expect(await work(rescue)).toBeLessThan(20 * backlog);
      expect(await rescueStuckWork()).toEqual({ deliveries: [], emails: [] });

      // Every other job lost (1,500 of each): those rows, and only those, are queued again, the
      // longest overdue first, at most 1,000 a run.
      const lostDeliveries = deliveries.filter((_, i) => i % 2 === 0);
      const lostEmails = emails.filter((_, i) => i % 2 === 0);
      await db().query(`DELETE FROM pgboss.job WHERE data->>'deliveryId' = ANY($1::text[]) OR data->>'emailId' = ANY($2::text[])`, [lostDeliveries, lostEmails]);
      const first = await rescueStuckWork();
      expect(first.deliveries.sort()).toEqual(lostDeliveries.slice(0, 1000).sort());
      expect(first.emails.sort()).toEqual(lostEmails.slice(0, 1000).sort());
      const second = await rescueStuckWork();
      expect(second.deliveries.sort()).toEqual(lostDeliveries.slice(1000).sort());
      expect(second.emails.sort()).toEqual(lostEmails.slice(1000).sort());
      expect(await rescueStuckWork()).toEqual({ deliveries: [], emails: [] });
    } finally {
      await db().query(`DELETE FROM job_outbox WHERE data ? 'deliveryId' OR data ? 'emailId'`);
      await db().query(`DELETE FROM pgboss.job WHERE data ? 'deliveryId' OR data ? 'emailId'`);
      await db().query(`DELETE FROM webhook_endpoints WHERE id = $1`, [endpoint.id]); // and, by cascade, its deliveries
      await db().query(`DELETE FROM webhook_events WHERE id LIKE 'evt_backlog_%'`);
      await db().query(`DELETE FROM email_messages WHERE to_address LIKE 'backlog-%'`);
    }
  }, 120_000);

  it("queues a delivery and an email again once their pg-boss jobs are gone; each arrives once; a live job or a live lease is left alone", async () => {
    const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url, events: ["license.suspended"] });
    receiver.secret = endpoint.secret;
    const { license } = await createLicense();
    const record = () => prisma().$transaction((tx) => recordLicenseEvent(tx, "license.suspended", license.id));
    const lostEvent = (await record())!;
    const aliveEvent = (await record())!;
    const leasedEvent = (await record())!;
    const emailId = await prisma().$transaction((tx) => enqueueEmail(tx, { kind: "license_key", to: "lost@example.com", subject: "Your lost key", text: "KEY" }));
    const delivery = async (eventId: string) => (await prisma().webhookDelivery.findFirstOrThrow({ where: { eventId } })).id;
    const [lost, alive, leased] = [await delivery(lostEvent), await delivery(aliveEvent), await delivery(leasedEvent)];

    // An engine without workers moves the outbox into pg-boss, where the jobs wait.
    const mover = await jobs.start({ work: false });
    await mover.drain();
    for (const id of [lost, alive, leased]) expect(await bossJobs("deliveryId", id)).toEqual([{ state: "created" }]);
    expect(await bossJobs("emailId", emailId)).toEqual([{ state: "created" }]);

    // The loss: the jobs of `lost`, `leased` and the email vanish. `leased` is being sent
    // (a worker holds its lease). All are long overdue.
    await db().query(`DELETE FROM pgboss.job WHERE data->>'deliveryId' = ANY($1::text[]) OR data->>'emailId' = $2`, [[lost, leased], emailId]);
    await db().query(`UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [[lost, alive, leased]]);
    await db().query(`UPDATE webhook_deliveries SET attempting_since = now() WHERE id = $1`, [leased]);
    await db().query(`UPDATE email_messages SET next_attempt_at = now() - interval '1 hour' WHERE id = $1`, [emailId]);

    expect(await rescueStuckWork()).toEqual({ deliveries: [lost], emails: [emailId] });
    expect(await waiting("deliveryId", lost)).toBe(1);
    expect(await waiting("emailId", emailId)).toBe(1);
    expect(await waiting("deliveryId", alive)).toBe(1);
    expect(await waiting("deliveryId", leased)).toBe(0);
    // Run again (another instance's minute): what it queued is waiting, so nothing more.
    expect(await rescueStuckWork()).toEqual({ deliveries: [], emails: [] });

    await jobs.start();
    await receiver.waitFor((r) => r.some((e) => e.id === lostEvent) && r.some((e) => e.id === aliveEvent));
    await mail.waitFor((m) => m.subject === "Your lost key", 20_000);
    await eventually(() => prisma().webhookDelivery.findUniqueOrThrow({ where: { id: lost } }), (d) => d.status === "SUCCEEDED", "lost delivery");
    await eventually(() => prisma().webhookDelivery.findUniqueOrThrow({ where: { id: alive } }), (d) => d.status === "SUCCEEDED", "alive delivery");
    await eventually(() => prisma().emailMessage.findUniqueOrThrow({ where: { id: emailId } }), (m) => m.status === "SENT", "lost email");
    // Every job for them has finished: nothing can send them again.
    for (const [key, id] of [["deliveryId", lost], ["deliveryId", alive], ["emailId", emailId]] as const) {
      await eventually(() => bossJobs(key, id), (js) => js.every((j) => j.state === "completed"), `${key} ${id} jobs`);
      expect(await outboxRows(key, id)).toBe(0);
    }
    expect(await rescueStuckWork()).toEqual({ deliveries: [], emails: [] });

    expect(receiver.received.filter((e) => e.id === lostEvent)).toHaveLength(1);
    expect(receiver.received.filter((e) => e.id === aliveEvent)).toHaveLength(1);
    expect(receiver.received.filter((e) => e.id === leasedEvent)).toHaveLength(0);
    expect(receiver.rejected).toBe(0);
    expect(mail.messages().filter((m) => m.subject === "Your lost key")).toHaveLength(1);
    expect(await prisma().webhookDelivery.findUniqueOrThrow({ where: { id: leased } })).toMatchObject({ status: "PENDING", attempts: 0 });

    // Once its lease has lapsed (the worker died), the leased delivery counts as stuck too.
    await db().query(`UPDATE webhook_deliveries SET attempting_since = now() - interval '1 hour' WHERE id = $1`, [leased]);
    expect(await rescueStuckWork()).toEqual({ deliveries: [leased], emails: [] });
    await receiver.waitFor((r) => r.some((e) => e.id === leasedEvent));
    await eventually(() => prisma().webhookDelivery.findUniqueOrThrow({ where: { id: leased } }), (d) => d.status === "SUCCEEDED", "leased delivery");
    expect(receiver.received.filter((e) => e.id === leasedEvent)).toHaveLength(1);
  }, 120_000);

  it("leaves a disabled endpoint's deliveries alone: enabling the endpoint queues them", async () => {
    const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url, events: ["license.revoked"] });
    const { license } = await createLicense();
    const eventId = (await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.suspended", license.id)))!;
    // A delivery left PENDING with no job when its endpoint was disabled (jobs for a disabled endpoint end without sending).
    await updateEndpoint({ actor: { type: "system" } }, endpoint.id, { enabled: false });
    const { rows } = await db().query<{ id: string }>(
      `INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, updated_at) VALUES ($1, $2, now() - interval '1 hour', now()) RETURNING id::text`,
      [eventId, endpoint.id],
    );
    expect((await rescueStuckWork()).deliveries).not.toContain(rows[0]!.id);
    expect(await waiting("deliveryId", rows[0]!.id)).toBe(0);

    // Workers of its own: this test must not depend on the one above having started them.
    await jobs.start();
    receiver.secret = endpoint.secret;
    await updateEndpoint({ actor: { type: "system" } }, endpoint.id, { enabled: true });
    await receiver.waitFor((r) => r.some((e) => e.id === eventId && e.headers["webhook-id"] === eventId));
  });

  it("runs on a pg-boss schedule every minute (once per slot across instances)", async () => {
    const { rows } = await db().query(`SELECT name, cron FROM pgboss.schedule WHERE name = 'jobs.rescue'`);
    expect(rows).toEqual([{ name: "jobs.rescue", cron: "* * * * *" }]);
  });
});
