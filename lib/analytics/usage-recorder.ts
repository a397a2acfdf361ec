// Usage analytics without a write on the hot path: license API answers are
// counted in memory (per-license daily counters, the machine's last-seen
// time, and the recent answers shown on the admin license page,
// where a repeat of the same answer within a minute is not listed again) and
// written through the job engine (issue 13):
//
// 1. every 5 s (and on shutdown) an instance hands what it counted to the
//    engine: one usage_batches row and its "usage.apply" job (lib/jobs
//    outbox), in one transaction;
// 2. the job, on whichever instance's worker takes it, adds every pending
//    batch to usage_daily and deletes it in the same transaction, so a batch
//    counts exactly once however often its job runs (a retry, a worker that
//    died after its commit, two instances draining at once).
//
// Only step 1 is per instance: counters live in the process that answered,
// and no job on another instance can reach its memory. What a process counted
// since its last hand-off (at most 5 s) is lost if it is killed outright; a
// clean stop (SIGTERM) hands it off first. While the database is unreachable
// the counts stay in memory and are handed off once it is back.
import { db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { enqueueJob } from "../jobs/outbox";
import { defineQueue } from "../jobs/queue";

export type UsageEvent = {
  licenseId: string;
  endpoint: string;
  code: string;
  valid: boolean;
  /** true for an activation that took a seat */
  activated?: boolean;
  /** the machine the answer names: the request came from it, valid or not, so it counts as seen */
  machineId?: string | null;
  fingerprint?: string | null;
  ip?: string | null;
  at: Date;
};

type Counters = { validations: number; activations: number; failures: number };

/** How often an instance hands its counts to the job engine: also the most a killed process loses. */
const FLUSH_EVERY_MS = 5_000;
// Last-seen times are for people reading the console: a minute of precision
// saves rewriting a machine row on every batch. (Licenses keep no last-seen
// time of their own: their answers are listed, and rewriting the widest table
// once a minute per license in use was half of this job's database CPU; see
// migration 20261206100000_usage_writes.)
const SEEN_PRECISION = "1 minute";
// Bounded memory when the database is down for long: counters are small, the
// event list is what could grow, so it keeps only the newest.
const MAX_PENDING_EVENTS = 20_000;
// The admin page shows a license's latest answers; a client validating in a
// tight loop should not write thousands of rows per batch for that.
const MAX_EVENTS_PER_LICENSE_PER_BATCH = 20;
// Answers older than this are deleted (pruneValidationEvents, run by the
// lifecycle's hourly prune job); the daily counters keep the totals.
const EVENT_RETENTION_DAYS = 30;
// A client asking the same thing again and again (a validation loop, a
// heartbeat every few seconds) would fill the admin page's list, and the
// table, with copies: an answer identical to the one last listed for its
// license (endpoint, code, machine fingerprint, client IP) is listed again
// only once this much time has passed. It is counted in usage_daily all the
// same. Measured with `npm run bench` (10⁴ licenses, each asked every few
// seconds): listing every answer cost about a third of a validation's CPU.
const RELIST_SAME_ANSWER_AFTER_MS = 60_000;
// Bounds the memory of what was last listed (about 200 bytes a license); past
// it, answers of licenses not yet remembered are simply listed.
const MAX_REMEMBERED_LISTINGS = 100_000;

/** One process's counts (the app has one, usageRecorder(); tests make more to play several instances). */
export class UsageRecorder {
  private counters = new Map<string, Counters>(); // `${licenseId}|${day}`
  private machineSeen = new Map<string, Date>();
  private events: UsageEvent[] = [];
  private eventsPerLicense = new Map<string, number>();
  /** licenseId → the answer last listed for it (endpoint|code|fingerprint|ip) and its time (ms since the epoch) */
  private lastListed = new Map<string, { answer: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  record(e: UsageEvent): void {
    const key = `${e.licenseId}|${utcDay(e.at)}`;
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = { validations: 0, activations: 0, failures: 0 }));
    if (e.activated) c.activations++;
    else c.validations++;
    if (!e.valid) c.failures++;
    // Any answer naming a machine is a request from it, valid or not (a suspended license's machines still call).
    if (e.machineId) this.machineSeen.set(e.machineId, e.at);
    const n = this.eventsPerLicense.get(e.licenseId) ?? 0;
    if (n < MAX_EVENTS_PER_LICENSE_PER_BATCH && this.listAgain(e)) {
      this.eventsPerLicense.set(e.licenseId, n + 1);
      this.events.push(e);
    }
    if (this.events.length > MAX_PENDING_EVENTS) this.events.splice(0, this.events.length - MAX_PENDING_EVENTS);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  /** False for a repeat, within RELIST_SAME_ANSWER_AFTER_MS, of the answer last listed for the license; remembers what it lets through. */
  private listAgain(e: UsageEvent): boolean {
    const answer = `${e.endpoint}|${e.code}|${e.fingerprint ?? ""}|${e.ip ?? ""}`;
    const at = e.at.getTime();
    const last = this.lastListed.get(e.licenseId);
    if (last && last.answer === answer && at >= last.at && at - last.at < RELIST_SAME_ANSWER_AFTER_MS) return false;
    if (last || this.lastListed.size < MAX_REMEMBERED_LISTINGS) this.lastListed.set(e.licenseId, { answer, at });
    return true;
  }

  /** Forgets listings too old to hold back a repeat (run with each hand-off, so memory follows the licenses of the last minute). */
  private forgetOldListings(now: number): void {
    for (const [licenseId, last] of this.lastListed) if (now - last.at >= RELIST_SAME_ANSWER_AFTER_MS) this.lastListed.delete(licenseId);
  }

  /**
   * Hands everything recorded before the call to the job engine (waiting for a
   * hand-off already under way first): committed to the database when this
   * resolves, counted in usage_daily once a worker has run its job. On failure
   * (database unreachable) the data stays pending here for the next try.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.write().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.forgetOldListings(Date.now());
    if (this.counters.size === 0 && this.events.length === 0) return;
    const counters = this.counters;
    const machineSeen = this.machineSeen;
    const events = this.events;
    this.counters = new Map();
    this.machineSeen = new Map();
    this.events = [];
    this.eventsPerLicense = new Map();
    try {
      await handOff(toBatch(counters, machineSeen, events));
    } catch {
      // Put it back (merging with what arrived meanwhile) and try again later.
      for (const [k, c] of counters) {
        const now = this.counters.get(k);
        if (now) {
          now.validations += c.validations;
          now.activations += c.activations;
          now.failures += c.failures;
        } else this.counters.set(k, c);
      }
      for (const [k, v] of machineSeen) if (!this.machineSeen.has(k)) this.machineSeen.set(k, v);
      this.events = [...events, ...this.events].slice(-MAX_PENDING_EVENTS);
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS * 5).unref();
    }
  }
}

/**
 * One hand-off, as stored in usage_batches.data: plain JSON arrays (compact,
 * and what the apply statement reads with jsonb_array_elements). Times are ISO strings.
 * Batches written before migration 20261206100000 also carry `licenseSeen`,
 * which the apply step now ignores.
 */
type UsageBatch = {
  /** [licenseId, UTC day YYYY-MM-DD, validations, activations, failures] */
  counters: [string, string, number, number, number][];
  /** [machineId, time of the last answer naming it, valid or not] */
  machineSeen: [string, string][];
  /** [licenseId, endpoint, code, fingerprint, ip, time], oldest first */
  events: [string, string, string, string | null, string | null, string][];
};

function toBatch(counters: Map<string, Counters>, machineSeen: Map<string, Date>, events: UsageEvent[]): UsageBatch {
  return {
    counters: [...counters].map(([key, c]) => {
      const [licenseId, day] = key.split("|") as [string, string];
      return [licenseId, day, c.validations, c.activations, c.failures];
    }),
    machineSeen: [...machineSeen].map(([id, at]) => [id, at.toISOString()]),
    events: events.map((e) => [e.licenseId, e.endpoint, e.code, e.fingerprint ?? null, e.ip ?? null, e.at.toISOString()]),
  };
}

export const USAGE_QUEUE = "usage.apply";

/** The batch and the job that applies it, committed together: neither exists without the other. */
async function handOff(batch: UsageBatch): Promise<void> {
  await inTransaction(db(), async (client) => {
    const { rows } = await client.query<{ id: string }>(`INSERT INTO usage_batches (data) VALUES ($1::jsonb) RETURNING id::text`, [JSON.stringify(batch)]);
    await enqueueJob(client, USAGE_QUEUE, { batchId: rows[0]!.id });
  });
}

/**
 * Adds every handed-off batch to usage_daily, machines' last-seen times and
 * validation_events, oldest first, each in one transaction that also deletes
 * it: a batch is counted once, whichever worker (of any instance) gets to it,
 * and two workers at once take different batches (SKIP LOCKED). A batch that
 * fails stays for the next run and does not hold up the others; the run then
 * throws (the first error) so pg-boss retries it. Returns how many were applied.
 */
export async function applyUsageBatches(): Promise<number> {
  let applied = 0;
  const failed: string[] = [];
  let firstError: unknown;
  for (;;) {
    const client = await db().connect();
    let id: string | undefined;
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string }>(
        `SELECT id::text FROM usage_batches WHERE id <> ALL($1::uuid[]) ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [failed],
      );
      const row = rows[0];
      if (!row) {
        await client.query("COMMIT");
        break;
      }
      id = row.id;
      await client.query(APPLY_BATCH, [id, SEEN_PRECISION]);
      await client.query("COMMIT");
      applied++;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (id === undefined) throw error;
      failed.push(id);
      firstError ??= error;
    } finally {
      client.release();
    }
  }
  if (firstError !== undefined) throw firstError;
  return applied;
}

/**
 * The job engine's queue for usage: one job per hand-off (any job applies
 * every pending batch, so a late one finds nothing), also run when an engine
 * starts and every 5 minutes, for batches whose jobs gave up while the
 * database misbehaved.
 */
export const usageQueue = defineQueue<{ batchId?: string }>({
  name: USAGE_QUEUE,
  handle: async () => void (await applyUsageBatches()),
  cron: "*/5 * * * *",
  runAtStart: true,
  expireInSeconds: 300,
});

// record() runs on every answer; formatting a date for its day is the costly
// part, and nearly every answer falls on the same day as the one before.
const DAY_MS = 86_400_000;
let today = { start: 0, end: 0, day: "" };
function utcDay(at: Date): string {
  const t = at.getTime();
  if (t < today.start || t >= today.end) {
    const start = t - (t % DAY_MS);
    today = { start, end: start + DAY_MS, day: new Date(start).toISOString().slice(0, 10) };
  }
  return today.day;
}

// One batch applied, and deleted, by one statement ($1: its id, $2: the
// last-seen precision), entirely inside PostgreSQL: the batch's JSON never
// comes back to Node to be parsed and re-sent as array parameters, which cost
// the instance running the job about as much CPU per answer as counting it.
// The data-modifying CTEs share one snapshot; each counter (license and day)
// and each machine appears once per batch, so no row is changed twice. Rows of
// licenses deleted since they were counted are left out (joins), so such a
// batch does not fail on the foreign key forever; a batch that fails (say, a
// malformed value) rolls back whole and stays. Times are ISO strings.
const APPLY_BATCH = `
  WITH batch AS (DELETE FROM usage_batches WHERE id = $1::uuid RETURNING data),
  counted AS (
    INSERT INTO usage_daily (license_id, day, validations, activations, failures)
    SELECT (c->>0)::uuid, (c->>1)::date, (c->>2)::int, (c->>3)::int, (c->>4)::int
    FROM batch CROSS JOIN LATERAL jsonb_array_elements(batch.data->'counters') AS c
    JOIN licenses l ON l.id = (c->>0)::uuid
    -- Rows locked in key order: two workers applying batches at once cannot deadlock here.
    ORDER BY 1, 2
    ON CONFLICT (license_id, day) DO UPDATE SET
      validations = usage_daily.validations + EXCLUDED.validations,
      activations = usage_daily.activations + EXCLUDED.activations,
      failures = usage_daily.failures + EXCLUDED.failures),
  seen AS (
    UPDATE machines m SET last_seen_at = v.at
    FROM (SELECT (s->>0)::uuid AS id, (s->>1)::timestamptz AS at FROM batch CROSS JOIN LATERAL jsonb_array_elements(batch.data->'machineSeen') AS s) AS v
    WHERE m.id = v.id AND m.last_seen_at < v.at - $2::interval),
  listed AS (
    INSERT INTO validation_events (license_id, endpoint, code, fingerprint, ip, at)
    SELECT (e->>0)::uuid, e->>1, e->>2, e->>3, e->>4, (e->>5)::timestamptz
    FROM batch CROSS JOIN LATERAL jsonb_array_elements(batch.data->'events') WITH ORDINALITY AS x(e, n)
    JOIN licenses l ON l.id = (e->>0)::uuid
    ORDER BY n)
  -- Every data-modifying CTE runs to completion whether or not it is read.
  SELECT 1`;

/**
 * Deletes the recorded answers older than 30 days (the daily counters keep the
 * totals). Run once an hour by one instance (lib/lifecycle/prune.ts), not by
 * every instance's recorder. Returns the number deleted.
 */
export async function pruneValidationEvents(now: Date): Promise<number> {
  const { rowCount } = await db().query(`DELETE FROM validation_events WHERE at < $1::timestamptz - make_interval(days => $2)`, [
    now.toISOString(),
    EVENT_RETENTION_DAYS,
  ]);
  return rowCount ?? 0;
}

const KEY = Symbol.for("license-portal.usage-recorder");
const store = globalThis as unknown as { [KEY]?: UsageRecorder };

/** The process's recorder (shared by the fast path and Next's bundle of this module). */
export function usageRecorder(): UsageRecorder {
  return (store[KEY] ??= new UsageRecorder());
}
