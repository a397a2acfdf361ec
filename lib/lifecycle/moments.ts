// The two moments the license lifecycle reports as events (API.md "Outbound
// webhooks"): a license's expiresAt passing (license.expired) and a floating
// machine's heartbeat deadline passing (machine.heartbeat_dead), each sent
// once per moment. A marker column holds the moment an event was sent for
// (licenses.expired_event_for, machines.dead_event_for), written in the same
// transaction as the event, so a moment is reported once however many ticks
// run at once (rows are claimed with SKIP LOCKED) and again only when the
// moment itself moves (a renewal, a heartbeat).
import type pg from "pg";
import { db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { recordLicenseEvent, recordMachineEvent } from "../webhooks/record";
import { toMachine } from "../licensing/store";

/** Rows per transaction: one event each; a big backlog (after downtime) is worked off in slices. */
const BATCH = 100;

/** Where a tick's transactions take their connection: the app's pool (tests pass their own). */
type Pool = Pick<pg.Pool, "connect">;

// The moment still to be reported, NULL once it was: the keys of the expression indexes of
// migration 20261208100000, written exactly as there so the planner matches them. The rows
// reported before (a license nobody renewed, a dead machine nobody deactivated) stay past their
// moment for good; a range of these keys never reads them.
const UNREPORTED_EXPIRY = "(CASE WHEN expired_event_for IS DISTINCT FROM expires_at THEN expires_at END)";
const UNREPORTED_DEADLINE = "(CASE WHEN m2.dead_event_for IS DISTINCT FROM m2.heartbeat_deadline THEN m2.heartbeat_deadline END)";

/**
 * Records license.expired for every ACTIVE license whose expiresAt is at or
 * before `now` and not yet reported for that expiresAt. Licenses whose status
 * already says so (EXPIRED by a cancelled subscription or an admin, SUSPENDED,
 * REVOKED) got their status event when that status was written. Returns the
 * number of events recorded. `pool`: the app's (tests pass one that explains
 * each statement).
 * Reads only the rows not yet reported (licenses_unreported_expiry_idx).
 */
export async function reportExpiries(now: Date, pool: Pool = db()): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `UPDATE licenses l SET expired_event_for = l.expires_at
         FROM (SELECT id FROM licenses
               WHERE status = 'ACTIVE' AND ${UNREPORTED_EXPIRY} <= $1
               ORDER BY ${UNREPORTED_EXPIRY} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED) due
         WHERE l.id = due.id RETURNING l.id::text`,
        [now],
      );
      for (const row of rows) await recordLicenseEvent(client, "license.expired", row.id, { now });
      return rows.length;
    });
    total += count;
    if (count < BATCH) return total;
  }
}

/**
 * Records machine.heartbeat_dead for every active machine of a floating plan
 * whose heartbeat deadline is at or before `now` and not yet reported for
 * that deadline. Returns the number of events recorded. `pool` as for
 * reportExpiries; reads only machines not yet reported
 * (machines_unreported_deadline_idx).
 */
export async function reportDeadMachines(now: Date, pool: Pool = db()): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<Parameters<typeof toMachine>[0] & { license_id: string }>(
        `UPDATE machines m SET dead_event_for = m.heartbeat_deadline
         FROM (SELECT m2.id FROM machines m2 JOIN licenses l ON l.id = m2.license_id JOIN plans p ON p.id = l.plan_id
               WHERE p.floating AND m2.deactivated_at IS NULL AND ${UNREPORTED_DEADLINE} <= $1
               ORDER BY ${UNREPORTED_DEADLINE} LIMIT ${BATCH} FOR UPDATE OF m2 SKIP LOCKED) due
         WHERE m.id = due.id
         RETURNING m.id::text, m.license_id::text, m.fingerprint, m.name, m.platform, m.hostname, m.activated_at,
                   m.last_seen_at, m.heartbeat_deadline, m.deactivated_at`,
        [now],
      );
      for (const row of rows) await recordMachineEvent(client, "machine.heartbeat_dead", row.license_id, toMachine(row), { now });
      return rows.length;
    });
    total += count;
    if (count < BATCH) return total;
  }
}

/**
 * Whether a tick at `now` would report anything: an ACTIVE license past its
 * expiry or a live floating machine past its deadline, not yet reported. For
 * tools that wait until the lifecycle has caught up (the bench waits, after
 * adding 10⁶ licenses, so that reporting their past expiries is not measured
 * as the cost of its requests). Two index range reads.
 */
export async function momentsDue(now: Date, client: Pick<pg.ClientBase, "query"> = db()): Promise<boolean> {
  const { rows } = await client.query<{ due: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM licenses WHERE status = 'ACTIVE' AND ${UNREPORTED_EXPIRY} <= $1)
         OR EXISTS (SELECT 1 FROM machines m2 JOIN licenses l ON l.id = m2.license_id JOIN plans p ON p.id = l.plan_id
                    WHERE p.floating AND m2.deactivated_at IS NULL AND ${UNREPORTED_DEADLINE} <= $1) AS due`,
    [now],
  );
  return rows[0]!.due;
}

/**
 * The distinct instants (rounded up to the second) in (now, now + windowMs]
 * at which a license expires or a floating machine's deadline passes, at most
 * `limit` of them, earliest first: the minutely tick queues one precise tick
 * at each, so an event goes out seconds after its moment, not at the next
 * minute.
 */
export async function upcomingMoments(now: Date, windowMs: number, limit = 60): Promise<Date[]> {
  const until = new Date(now.getTime() + windowMs);
  const { rows } = await db().query<{ at: Date }>(
    `SELECT DISTINCT to_timestamp(ceil(extract(epoch FROM at))) AS at FROM (
       SELECT expires_at AS at FROM licenses
       WHERE status = 'ACTIVE' AND expires_at > $1 AND expires_at <= $2
       UNION ALL
       SELECT m.heartbeat_deadline FROM machines m JOIN licenses l ON l.id = m.license_id JOIN plans p ON p.id = l.plan_id
       WHERE p.floating AND m.deactivated_at IS NULL AND m.heartbeat_deadline > $1 AND m.heartbeat_deadline <= $2
     ) moments ORDER BY at LIMIT $3`,
    [now, until, limit],
  );
  return rows.map((r) => new Date(r.at));
}
