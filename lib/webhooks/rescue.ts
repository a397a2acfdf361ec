// Deliveries whose job was lost. Every PENDING delivery normally has exactly
// one way forward: an outbox row, a pg-boss job waiting for its time, or a
// worker holding its lease. A job can still disappear: pg-boss gives it up after
// its retries (a worker dying mid-send on every try, the database failing under
// a settle), or someone deletes or archives it. Such a delivery would stay
// PENDING forever; the minutely rescue (lib/jobs/rescue.ts) queues it again.
import type { Tx } from "../db/sql";
import { sqlQuery } from "../db/sql";
import { withoutWaitingJob } from "../jobs/outbox";
import { LEASE_SECONDS } from "./deliver";
import { DELIVERY_QUEUE } from "./record";

export type RescueOptions = {
  /**
   * seconds a delivery must be overdue (next_attempt_at) before it counts as
   * stuck; default 120, so clock differences between instances and the
   * moment between a job's fetch and its claim never count
   */
  graceSeconds?: number;
  /** at most this many rows per run (the next minute takes the rest); default 1000 */
  limit?: number;
};

/**
 * Queues (through the outbox, in one statement) the next attempt of every
 * PENDING delivery of an enabled endpoint that is overdue by `graceSeconds`,
 * whose lease is free or lapsed (no worker is sending it) and for which no job
 * is waiting. Returns the ids queued.
 *
 * Never causes a second send of one attempt: the job names the attempt
 * (`attempts`), and deliverAttempt's claim lets one worker only take it, so a
 * job that was not lost after all (a worker fetched it in the instant between
 * this statement's snapshot and its claim) and the new one cannot both send.
 * Deliveries of a disabled endpoint are left alone: enabling it queues them.
 */
export async function rescueStuckDeliveries(tx: Tx, options: RescueOptions = {}): Promise<string[]> {
  const rows = await sqlQuery<{ id: string }>(
    tx,
    `WITH stuck AS (
       SELECT d.id, d.attempts FROM webhook_deliveries d
       WHERE d.id IN (SELECT s.id::uuid FROM (${withoutWaitingJob(
         `SELECT c.id::text AS id FROM webhook_deliveries c JOIN webhook_endpoints e ON e.id = c.endpoint_id
          WHERE c.status = 'PENDING' AND c.next_attempt_at < now() - make_interval(secs => $2) AND e.enabled
            AND (c.attempting_since IS NULL OR c.attempting_since < now() - make_interval(secs => $3))`,
         "$1",
         "deliveryId",
       )}) AS s (id))
       ORDER BY d.next_attempt_at LIMIT $4
     )
     INSERT INTO job_outbox (name, data)
     SELECT $1, jsonb_build_object('deliveryId', id, 'attempt', attempts) FROM stuck
     RETURNING data->>'deliveryId' AS id`,
    [DELIVERY_QUEUE, options.graceSeconds ?? 120, LEASE_SECONDS, options.limit ?? 1000],
  );
  return rows.map((r) => r.id);
}
