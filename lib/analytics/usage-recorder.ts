// Usage analytics without a write on the hot path: license API answers are
// counted in memory and written in one batch every couple of seconds (and on
// shutdown): per-license daily counters, the license's and machine's last-seen
// times, and the recent answers shown on the admin license page.
import { db } from "../db/client";

export type UsageEvent = {
  licenseId: string;
  endpoint: string;
  code: string;
  valid: boolean;
  /** true for an activation that took a seat */
  activated?: boolean;
  machineId?: string | null;
  fingerprint?: string | null;
  ip?: string | null;
  at: Date;
};

type Counters = { validations: number; activations: number; failures: number };

const FLUSH_EVERY_MS = 5_000;
// Last-seen times are for people reading the console: a minute of precision
// saves rewriting a license and a machine row on every batch.
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

class UsageRecorder {
  private counters = new Map<string, Counters>(); // `${licenseId}|${day}`
  private licenseSeen = new Map<string, Date>();
  private machineSeen = new Map<string, Date>();
  private events: UsageEvent[] = [];
  private eventsPerLicense = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  record(e: UsageEvent): void {
    const key = `${e.licenseId}|${utcDay(e.at)}`;
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = { validations: 0, activations: 0, failures: 0 }));
    if (e.activated) c.activations++;
    else c.validations++;
    if (!e.valid) c.failures++;
    this.licenseSeen.set(e.licenseId, e.at);
    if (e.machineId && e.valid) this.machineSeen.set(e.machineId, e.at);
    const n = this.eventsPerLicense.get(e.licenseId) ?? 0;
    if (n < MAX_EVENTS_PER_LICENSE_PER_BATCH) {
      this.eventsPerLicense.set(e.licenseId, n + 1);
      this.events.push(e);
    }
    if (this.events.length > MAX_PENDING_EVENTS) this.events.splice(0, this.events.length - MAX_PENDING_EVENTS);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  /**
   * Writes everything recorded before the call (waiting for a write already
   * under way first); on failure the data stays pending for the next try.
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
    if (this.counters.size === 0 && this.events.length === 0) return;
    const counters = this.counters;
    const licenseSeen = this.licenseSeen;
    const machineSeen = this.machineSeen;
    const events = this.events;
    this.counters = new Map();
    this.licenseSeen = new Map();
    this.machineSeen = new Map();
    this.events = [];
    this.eventsPerLicense = new Map();
    try {
      await writeBatch(counters, licenseSeen, machineSeen, events);
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
      for (const [k, v] of licenseSeen) if (!this.licenseSeen.has(k)) this.licenseSeen.set(k, v);
      for (const [k, v] of machineSeen) if (!this.machineSeen.has(k)) this.machineSeen.set(k, v);
      this.events = [...events, ...this.events].slice(-MAX_PENDING_EVENTS);
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS * 5).unref();
    }
  }
}

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

// Rows per statement: each statement's parameters are built and serialised on
// the event loop, so a big batch is written in slices that let requests run
// in between instead of stalling them all at once.
const ROWS_PER_STATEMENT = 500;

function* slices<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) yield items.slice(i, i + ROWS_PER_STATEMENT);
}

// Timestamps are passed as ISO strings: the driver would format each Date
// element of an array in JavaScript, on the event loop.
async function writeBatch(
  counters: Map<string, Counters>,
  licenseSeen: Map<string, Date>,
  machineSeen: Map<string, Date>,
  events: UsageEvent[],
): Promise<void> {
  const client = await db().connect();
  try {
    await client.query("BEGIN");
    for (const part of slices([...counters])) {
      const keys = part.map(([k]) => k.split("|") as [string, string]);
      const values = part.map(([, v]) => v);
      await client.query(
        `INSERT INTO usage_daily (license_id, day, validations, activations, failures)
         SELECT * FROM unnest($1::uuid[], $2::date[], $3::int[], $4::int[], $5::int[])
         ON CONFLICT (license_id, day) DO UPDATE SET
           validations = usage_daily.validations + EXCLUDED.validations,
           activations = usage_daily.activations + EXCLUDED.activations,
           failures = usage_daily.failures + EXCLUDED.failures`,
        [keys.map((k) => k[0]), keys.map((k) => k[1]), values.map((v) => v.validations), values.map((v) => v.activations), values.map((v) => v.failures)],
      );
    }
    for (const part of slices([...licenseSeen])) {
      await client.query(
        `UPDATE licenses l SET last_validated_at = v.at FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
         WHERE l.id = v.id AND (l.last_validated_at IS NULL OR l.last_validated_at < v.at - $3::interval)`,
        [part.map(([id]) => id), part.map(([, at]) => at.toISOString()), SEEN_PRECISION],
      );
    }
    for (const part of slices([...machineSeen])) {
      await client.query(
        `UPDATE machines m SET last_seen_at = v.at FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
         WHERE m.id = v.id AND m.last_seen_at < v.at - $3::interval`,
        [part.map(([id]) => id), part.map(([, at]) => at.toISOString()), SEEN_PRECISION],
      );
    }
    for (const part of slices(events)) {
      // The licenses may have been deleted meanwhile: join keeps only existing ones.
      await client.query(
        `INSERT INTO validation_events (license_id, endpoint, code, fingerprint, ip, at)
         SELECT v.license_id, v.endpoint, v.code, v.fingerprint, v.ip, v.at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
           WITH ORDINALITY AS v(license_id, endpoint, code, fingerprint, ip, at, n)
         JOIN licenses l ON l.id = v.license_id
         ORDER BY v.n`,
        [
          part.map((e) => e.licenseId),
          part.map((e) => e.endpoint),
          part.map((e) => e.code),
          part.map((e) => e.fingerprint ?? null),
          part.map((e) => e.ip ?? null),
          part.map((e) => e.at.toISOString()),
        ],
      );
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

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
