// How much work is waiting, per queue, for the job_queue_depth gauge
// (lib/metrics/registry.ts): jobs due now that no worker has started yet.
import { db } from "../db/client";

/**
 * Per queue name: pg-boss jobs in state created or retry whose start time has
 * come, plus committed outbox rows not yet moved into pg-boss (normally none:
 * they are moved at once). Jobs scheduled for later (a webhook's next attempt
 * in an hour) are not waiting yet and are not counted. Every queue pg-boss
 * knows is listed, with 0 when nothing waits. Resolves to an empty
 * map when pg-boss's schema does not exist yet (no engine ever started).
 */
export async function jobQueueDepths(): Promise<Map<string, number>> {
  const depths = new Map<string, number>();
  const { rows: exists } = await db().query<{ present: boolean }>(`SELECT to_regclass('pgboss.job') IS NOT NULL AS present`);
  const { rows } = await db().query<{ name: string; n: number }>(
    `SELECT name, count(*)::int AS n FROM job_outbox WHERE start_after IS NULL OR start_after <= now() GROUP BY name
     ${
       exists[0]?.present
         ? `UNION ALL
            SELECT q.name, coalesce(j.n, 0)::int FROM pgboss.queue q
            LEFT JOIN (SELECT name, count(*) AS n FROM pgboss.job WHERE state < 'active' AND start_after <= now() GROUP BY name) j USING (name)
            WHERE q.name NOT LIKE '\\_\\_pgboss%'`
         : ""
     }`,
  );
  for (const row of rows) depths.set(row.name, (depths.get(row.name) ?? 0) + row.n);
  return depths;
}
