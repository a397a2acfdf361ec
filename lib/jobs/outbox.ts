// The transactional outbox: callers write a job row in the same transaction as
// the change that causes it; every running instance moves committed rows into
// pg-boss (drainOutbox). A rolled-back change leaves no row, so nothing runs;
// a committed row stays until some instance moves it, so a process that dies
// right after its commit loses nothing: the next drain (a NOTIFY to the other
// instances, the start of the next process, or the minutely sweep) picks it up.
import type PgBoss from "pg-boss";
import type pg from "pg";
import { sqlQuery, type Tx } from "../db/sql";

/** Options of one enqueued job. */
export type EnqueueOptions = {
  /** run no earlier than this instant (UTC); default: at once */
  startAfter?: Date;
};

/**
 * Records a job in the caller's transaction; it reaches pg-boss's queue `name`
 * once that transaction commits, and never if it rolls back.
 *
 * `tx` is the transaction the change is written in: a Prisma transaction client
 * or a `pg` client inside BEGIN (see lib/db/sql.ts). `data` must be JSON
 * (no Dates: pass ISO strings). `name` must be a queue some module registers
 * with lib/jobs/registry.ts; rows for a queue this code version does not know
 * stay in the outbox for a version that does.
 *
 * Most callers want a domain function instead: recordWebhookEvent
 * (lib/webhooks) or enqueueEmail (lib/email), which call this.
 */
export async function enqueueJob(tx: Tx, name: string, data: Record<string, unknown> = {}, options: EnqueueOptions = {}): Promise<void> {
  await sqlQuery(tx, `INSERT INTO job_outbox (name, data, start_after) VALUES ($1, $2::jsonb, $3::timestamptz) RETURNING id`, [
    name,
    JSON.stringify(data),
    options.startAfter?.toISOString() ?? null,
  ]);
}

type OutboxRow = { id: string; name: string; data: Record<string, unknown>; start_after: Date | null };

/** How many rows one drain transaction moves. */
const BATCH = 500;

/** The channel on which an instance without workers announces the queues it just filled (see drainOutbox). */
export const JOBS_READY_CHANNEL = "job_ready";

/**
 * Moves committed outbox rows of the known queues into pg-boss, each batch in
 * one transaction (delete from the outbox + insert into pgboss.job), so a row is
 * moved exactly once even when every instance drains at the same moment (rows
 * are claimed with SKIP LOCKED). Returns how many jobs were moved, by queue.
 *
 * `announce`: also NOTIFY JOBS_READY_CHANNEL in each batch's transaction, with the
 * batch's queue names comma-separated, so the instances that run those queues'
 * workers fetch them at once (delivered at commit, after the jobs exist). For an
 * instance without workers, which would otherwise leave the jobs it moved to the
 * workers' next poll.
 */
export async function drainOutbox(
  pool: pg.Pool,
  boss: PgBoss,
  queues: readonly string[],
  options: { announce?: boolean } = {},
): Promise<Map<string, number>> {
  const moved = new Map<string, number>();
  for (;;) {
    const client = await pool.connect();
    let count = 0;
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<OutboxRow>(
        `DELETE FROM job_outbox WHERE id IN (
           SELECT id FROM job_outbox WHERE name = ANY($1::text[]) ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING id, name, data, start_after`,
        [queues],
      );
      count = rows.length;
      if (count > 0) {
        const jobs: PgBoss.JobInsert[] = rows.map((row) => ({
          name: row.name,
          data: row.data,
          ...(row.start_after ? { startAfter: new Date(row.start_after).toISOString() } : {}),
        }));
        await boss.insert(jobs, { db: { executeSql: (text, values) => client.query(text, values) } });
        for (const row of rows) moved.set(row.name, (moved.get(row.name) ?? 0) + 1);
        if (options.announce) {
          await client.query(`SELECT pg_notify($1, $2)`, [JOBS_READY_CHANNEL, [...new Set(rows.map((row) => row.name))].join(",")]);
        }
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    if (count < BATCH) return moved;
  }
}

/**
 * SQL text of a query (for `IN (…)`) returning, as text, those ids of
 * `candidates` (a query of one text column named `id`, e.g.
 * `SELECT d.id::text AS id FROM …`) for which no job of queue `queueParam` (a
 * placeholder such as "$1") is waiting: neither an outbox row not yet moved,
 * nor a pg-boss job not yet taken by a worker (state created or retry). A job
 * a worker already holds (state active) is not looked for: each caller knows
 * that case better (a delivery's lease, an email's row lock). `key` is the job
 * data's field naming the row ("deliveryId", "emailId").
 *
 * Written as EXCEPT, not as NOT EXISTS per candidate: neither the outbox nor
 * pg-boss has an index on the job data, and with a backlog (thousands of rows
 * overdue, each with its job waiting) and a queue's statistics not yet
 * analysed, the planner chose a nested-loop anti join comparing every
 * candidate with every job: 27 s a minute at 1.5×10⁴ queued emails. A set
 * difference is hashed or sorted whatever the estimates, so it costs the
 * candidates plus the queue's waiting jobs. The jobs are read only when there
 * is a candidate (a one-time EXISTS filter): most minutes have none, and a
 * queue can hold many jobs due later (retries of an endpoint that is down).
 */
export function withoutWaitingJob(candidates: string, queueParam: string, key: string): string {
  if (!/^[a-zA-Z]+$/.test(key)) throw new Error(`withoutWaitingJob: bad key ${key}`);
  return `WITH candidate AS MATERIALIZED (${candidates})
      SELECT id FROM candidate
      EXCEPT SELECT queued.data->>'${key}' FROM job_outbox queued
             WHERE queued.name = ${queueParam} AND EXISTS (SELECT 1 FROM candidate)
      EXCEPT SELECT job.data->>'${key}' FROM pgboss.job job
             WHERE job.name = ${queueParam} AND job.state < 'active' AND EXISTS (SELECT 1 FROM candidate)`;
}
