// The dashboard's whole-table figures without counting whole tables (issue 16:
// 8–20 s a view at 10⁶ licenses). Two kinds:
//
// - Exact, from counts the database keeps (migration 20261204110000): licenses
//   by stored status and UTC expiry day (license_counts) and machines activated
//   and deactivated per UTC day (machine_day_counts); and licenses per plan for
//   the console's catalogue pages (plan_license_counts, migration
//   20261205130000). Triggers append signed
//   deltas in the changing transaction, so a read sees exactly the committed
//   rows; foldCounters() merges the deltas every few minutes so that a read
//   sums a few thousand rows.
// - Counted periodically: the seats held now (seat_snapshots), which depends on
//   the clock (floating machines' heartbeats) and on every license's seats;
//   shown with the time it was counted, and recounted on the spot when the last
//   count is older than SEAT_SNAPSHOT_MAX_AGE_MS (a portal whose job engine is
//   off still shows a figure at most that old).
import { db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { defineQueue } from "../jobs/queue";

/** Seats counted longer ago than this are recounted when the dashboard is viewed: 15 minutes. */
export const SEAT_SNAPSHOT_MAX_AGE_MS = 15 * 60_000;
/** Seat counts kept: the last day's. */
const SEAT_SNAPSHOT_KEEP = "1 day";

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Licenses by the status the license API answers at `now` (an ACTIVE license
 * whose expires_at ≤ now is EXPIRED). Exact: the days before now's UTC day come
 * from the kept counts; licenses expiring on that day are counted in the
 * licenses table (index licenses(status, expires_at)), a day's worth of rows.
 */
export async function licensesByStatus(now: Date): Promise<Map<string, number>> {
  const today = isoDay(now);
  const [kept, expiredToday] = await Promise.all([
    db().query<{ status: string; count: string }>(
      `SELECT CASE WHEN status = 'ACTIVE' AND expires_on < $1::date THEN 'EXPIRED' ELSE status::text END AS status, sum(n)::text AS count
       FROM license_counts GROUP BY 1`,
      [today],
    ),
    db().query<{ count: string }>(
      `SELECT count(*)::text AS count FROM licenses WHERE status = 'ACTIVE' AND expires_at >= $1::date AT TIME ZONE 'UTC' AND expires_at <= $2`,
      [today, now],
    ),
  ]);
  const counts = new Map(kept.rows.map((r) => [r.status, Number(r.count)]));
  const moved = Number(expiredToday.rows[0]!.count);
  if (moved > 0) {
    counts.set("ACTIVE", (counts.get("ACTIVE") ?? 0) - moved);
    counts.set("EXPIRED", (counts.get("EXPIRED") ?? 0) + moved);
  }
  return counts;
}

/**
 * Licenses per plan id, exact (the committed licenses), for the plans asked
 * about; a plan without licenses is absent. Sums the plan's kept deltas (a
 * handful of rows once folded), whatever the number of licenses.
 */
export async function licensesPerPlan(planIds: string[]): Promise<Map<string, number>> {
  if (planIds.length === 0) return new Map();
  const { rows } = await db().query<{ plan_id: string; n: string }>(
    `SELECT plan_id, sum(n)::text AS n FROM plan_license_counts WHERE plan_id = ANY($1::uuid[]) GROUP BY 1 HAVING sum(n) <> 0`,
    [planIds],
  );
  return new Map(rows.map((r) => [r.plan_id, Number(r.n)]));
}

/**
 * Machines activated and deactivated per UTC day ('YYYY-MM-DD') before `end`
 * (a UTC day, exclusive), those before `from` added to `from`'s day: summing
 * them day by day gives the machines in use at the end of each day from `from` on.
 */
export async function machineChangesByDay(from: string, end: string): Promise<{ day: string; activated: number; deactivated: number }[]> {
  const { rows } = await db().query<{ day: string; activated: string; deactivated: string }>(
    `SELECT greatest(day, $1::date)::text AS day, sum(activated)::text AS activated, sum(deactivated)::text AS deactivated
     FROM machine_day_counts WHERE day < $2::date GROUP BY 1`,
    [from, end],
  );
  return rows.map((r) => ({ day: r.day, activated: Number(r.activated), deactivated: Number(r.deactivated) }));
}

/**
 * The seats held at $1 (a timestamptz), as one row `seats` (bigint): Σ over licenses of
 * least(live machines, seats, never below 0). A machine is live unless deactivated or, on a floating plan, past
 * its heartbeat deadline (decision.ts isMachineLive); a license holds no more seats than it has
 * (decision.ts seatHolders). lib/admin/dashboard-counters.test.ts checks it against that sum
 * written out as a join of every machine with its license and plan, the statement used before
 * (which, unlike seatHolders, counted a license with −1 seats as −1).
 *
 * Why not that statement: at 10⁶ machines it hash-joined every machine with its license and plan
 * twice, 2.1 s in one process, 3.3 s on three with PostgreSQL's default parallel plan, and up to
 * 6 s while the database had other work (measured 2026-12-03 on the bench's 10⁶ database). Here
 * the machines alone are grouped by license; a license whose one machine is not past a deadline
 * holds one seat whatever its plan, so only the others (several machines, or a deadline passed)
 * look their license and plan up: 0.63–0.76 s on the same rows (1.0 s cold). Except when the license has fewer than
 * one seat, which no form or API of the portal writes (each asks for 1 to 10,000) but a row
 * written by hand may: those licenses are found through licenses_seatless_idx and the plans
 * table, and the seat counted for them taken back.
 */
const SEATS_HELD = `
  WITH per_license AS (
    SELECT m.license_id, count(*) AS n, count(*) FILTER (WHERE m.heartbeat_deadline <= $1) AS past_deadline
    FROM machines m WHERE m.deactivated_at IS NULL GROUP BY m.license_id
  ), seatless AS (
    SELECT l.id FROM licenses l WHERE l.max_machines < 1
    UNION ALL
    SELECT l.id FROM plans p JOIN licenses l ON l.plan_id = p.id WHERE p.max_machines < 1 AND l.max_machines IS NULL
  )
  SELECT (coalesce(sum(CASE WHEN g.n = 1 AND g.past_deadline = 0 THEN 1 ELSE
            (SELECT least(g.n - CASE WHEN p.floating THEN g.past_deadline ELSE 0 END, greatest(coalesce(l.max_machines, p.max_machines), 0))
             FROM licenses l JOIN plans p ON p.id = l.plan_id WHERE l.id = g.license_id) END), 0)
        - (SELECT count(*) FROM seatless s
           WHERE (SELECT count(*) = 1 AND count(*) FILTER (WHERE m.heartbeat_deadline <= $1) = 0
                  FROM machines m WHERE m.license_id = s.id AND m.deactivated_at IS NULL)))::bigint AS seats
  FROM per_license g`;

/**
 * Counts the seats held at `now` (see SEATS_HELD) and keeps the count with
 * `now` as its time (UTC); counts older than a day are dropped. Returns the count.
 * Under a second of one PostgreSQL process at 10⁶ machines.
 */
export async function takeSeatSnapshot(now: Date): Promise<{ seats: number; takenAt: Date }> {
  return inTransaction(db(), async (client) => {
    // JIT compiled this statement for 0.25–0.44 s and saved nothing; a parallel plan would take
    // every core of a small database server from the license API for a background figure.
    await client.query("SET LOCAL jit = off");
    await client.query("SET LOCAL max_parallel_workers_per_gather = 0");
    const { rows } = await client.query<{ seats: string; taken_at: Date }>(
      `INSERT INTO seat_snapshots (taken_at, seats) SELECT $1, seats FROM (${SEATS_HELD}) AS counted
       ON CONFLICT (taken_at) DO UPDATE SET seats = excluded.seats
       RETURNING seats::text, taken_at`,
      [now],
    );
    await client.query(`DELETE FROM seat_snapshots WHERE taken_at < $1::timestamptz - $2::interval`, [now, SEAT_SNAPSHOT_KEEP]);
    return { seats: Number(rows[0]!.seats), takenAt: rows[0]!.taken_at };
  });
}

/** The latest seat count taken at or before `now`, recounted when it is missing or older than SEAT_SNAPSHOT_MAX_AGE_MS. */
export async function seatsInUse(now: Date): Promise<{ seats: number; takenAt: Date }> {
  const { rows } = await db().query<{ seats: string; taken_at: Date }>(
    `SELECT seats::text, taken_at FROM seat_snapshots WHERE taken_at <= $1 ORDER BY taken_at DESC LIMIT 1`,
    [now],
  );
  const last = rows[0];
  if (last && now.getTime() - last.taken_at.getTime() <= SEAT_SNAPSHOT_MAX_AGE_MS) return { seats: Number(last.seats), takenAt: last.taken_at };
  return takeSeatSnapshot(now);
}

/**
 * Merges the deltas the triggers appended into one row per group (dropping
 * groups that net to zero), so the dashboard's reads stay a few thousand rows.
 * Safe beside writers and readers: the delete and the insert of the sums are one
 * statement (one snapshot, one transaction); deltas committed meanwhile are
 * left for the next fold. Returns the rows before and after.
 */
export async function foldCounters(): Promise<{ before: number; after: number }> {
  const licenses = await db().query<{ before: string; after: string }>(
    `WITH gone AS (DELETE FROM license_counts RETURNING status, expires_on, n),
          kept AS (INSERT INTO license_counts (status, expires_on, n)
                   SELECT status, expires_on, sum(n)::bigint FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0 RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::text AS before, (SELECT count(*) FROM kept)::text AS after`,
  );
  const machines = await db().query<{ before: string; after: string }>(
    `WITH gone AS (DELETE FROM machine_day_counts RETURNING day, activated, deactivated),
          kept AS (INSERT INTO machine_day_counts (day, activated, deactivated)
                   SELECT day, sum(activated)::bigint, sum(deactivated)::bigint FROM gone GROUP BY 1
                   HAVING sum(activated) <> 0 OR sum(deactivated) <> 0 RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::text AS before, (SELECT count(*) FROM kept)::text AS after`,
  );
  const plans = await db().query<{ before: string; after: string }>(
    `WITH gone AS (DELETE FROM plan_license_counts RETURNING plan_id, n),
          kept AS (INSERT INTO plan_license_counts (plan_id, n)
                   SELECT plan_id, sum(n)::bigint FROM gone GROUP BY 1 HAVING sum(n) <> 0 RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::text AS before, (SELECT count(*) FROM kept)::text AS after`,
  );
  const n = (r: { rows: { before: string; after: string }[] }, k: "before" | "after") => Number(r.rows[0]![k]);
  const all = [licenses, machines, plans];
  return { before: all.reduce((sum, r) => sum + n(r, "before"), 0), after: all.reduce((sum, r) => sum + n(r, "after"), 0) };
}

export const DASHBOARD_COUNTERS_QUEUE = "dashboard.counters";

/** Every 5 minutes (one job per slot across instances): fold the counters' deltas and count the seats held. */
export const dashboardCountersQueue = defineQueue({
  name: DASHBOARD_COUNTERS_QUEUE,
  handle: async () => {
    await foldCounters();
    await takeSeatSnapshot(new Date());
  },
  cron: "*/5 * * * *",
  runAtStart: true,
  expireInSeconds: 300,
});
