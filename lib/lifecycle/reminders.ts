// Reminder emails before a license ends (issue 13): `plans.reminder_days`
// (default 7; 0: none) before expiresAt, once per term
// (licenses.reminder_sent_for holds the expiresAt reminded of, written in the
// transaction that queues the email, so a renewal, which moves expiresAt,
// starts a new term). Who is reminded:
// - a license without a subscription (it simply ends);
// - a subscription set to end at its period's end (cancel_at_period_end,
//   lib/payments/webhooks/handlers/customer-subscription-updated.ts): it will
//   not renew, so it ends like any other license, and the customer may still
//   turn renewal back on;
// - a subscription whose renewal payment is failing (the license is suspended
//   for payment, lib/payments/webhooks/license-changes.ts), so the customer can
//   fix the card before the term runs out.
// A subscription that renews itself gets none: nothing ends.
import type pg from "pg";
import { db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { queueReminderEmail } from "../email/messages";

const BATCH = 100;

type Due = {
  id: string;
  email: string;
  product_name: string;
  plan_name: string;
  key_hint: string;
  expires_at: Date;
  subscription: boolean;
  status: string;
};

/**
 * Queues (through the email outbox) every reminder due at `now`. Returns the
 * number queued. Safe to run concurrently: rows are claimed with SKIP LOCKED.
 * `pool` is the application's pool unless a caller passes its own (a test that
 * counts what each batch read).
 *
 * The batches walk the expiries in (expires_at, id) order, each starting after
 * the last row of the one before. The window of expires_at it reads also holds
 * the licenses already reminded of this term and those that get no reminder (a
 * self-renewing subscription, a revoked license); they stay in it until their
 * expiry. Restarting each batch at the window's start read all of those again
 * and the batch's predecessors too: a wave of n reminders read about n²/200 rows.
 *
 * A row another transaction holds locked is skipped, and a later batch no longer
 * comes back to it: it waits for the next run (10 minutes). So the batch locks
 * FOR NO KEY UPDATE, the strength its UPDATE needs, which does not conflict with
 * the key-share locks that every insert referencing the license takes (a machine,
 * a validation); FOR UPDATE did.
 */
export async function queueDueReminders(now: Date, pool: Pick<pg.Pool, "connect"> = db()): Promise<number> {
  let total = 0;
  let after: { expiresAt: Date; id: string } | null = null;
  for (;;) {
    const { rows } = await inTransaction(pool, async (client) => {
      const batch = await client.query<Due>(
        `UPDATE licenses l SET reminder_sent_for = l.expires_at
         FROM (SELECT l2.id FROM licenses l2
               WHERE l2.expires_at > $1
                 -- The window of the license's own plan (0 days: no reminders), checked row by row. A
                 -- subquery rather than a join, so that the batch is read in the index's order and stops
                 -- at its 100th row: a join let PostgreSQL hash the plans and sort every due license.
                 AND l2.expires_at <= $1 + make_interval(days => (SELECT p.reminder_days FROM plans p WHERE p.id = l2.plan_id))
                 -- The same bound with the longest reminder of any plan: a range of the expires_at index
                 -- instead of every license not yet expired (the per-plan bound above is only checked
                 -- row by row: 1.7–11 s at 10⁶ licenses whenever fewer than a batch were due, 43 ms with it).
                 AND l2.expires_at <= $1 + make_interval(days => (SELECT coalesce(max(reminder_days), 0) FROM plans))
                 ${after ? "AND (l2.expires_at, l2.id) > ($2, $3::uuid)" : ""}
                 AND l2.reminder_sent_for IS DISTINCT FROM l2.expires_at
                 AND ((l2.stripe_subscription_id IS NULL AND l2.status = 'ACTIVE')
                   OR (l2.stripe_subscription_id IS NOT NULL AND l2.status = 'ACTIVE' AND l2.cancel_at_period_end)
                   OR (l2.stripe_subscription_id IS NOT NULL AND l2.status = 'SUSPENDED'
                       AND l2.status_reason IN ('payment_failed', 'past_due', 'unpaid')))
               ORDER BY l2.expires_at, l2.id LIMIT ${BATCH} FOR NO KEY UPDATE OF l2 SKIP LOCKED) due,
             users u, plans p, products pr
         WHERE l.id = due.id AND u.id = l.user_id AND p.id = l.plan_id AND pr.id = p.product_id
         RETURNING l.id::text, u.email, pr.name AS product_name, p.name AS plan_name, l.key_hint, l.expires_at,
                   l.stripe_subscription_id IS NOT NULL AS subscription, l.status::text`,
        after ? [now, after.expiresAt, after.id] : [now],
      );
      for (const row of batch.rows) {
        await queueReminderEmail(client, {
          to: row.email,
          productName: row.product_name,
          planName: row.plan_name,
          keyHint: row.key_hint,
          expiresAt: new Date(row.expires_at),
          // Of subscriptions the query takes only a suspended one whose payment fails, or an active one set to end.
          reason: !row.subscription ? "expiry" : row.status === "SUSPENDED" ? "payment" : "ending",
        });
      }
      return batch;
    });
    total += rows.length;
    if (rows.length < BATCH) return total;
    after = lastOf(rows);
  }
}

/** The batch's last row in (expires_at, id) order; a uuid's text sorts as PostgreSQL sorts the uuid. */
function lastOf(rows: Due[]): { expiresAt: Date; id: string } {
  let last = rows[0]!;
  for (const row of rows) {
    const d = row.expires_at.getTime() - last.expires_at.getTime();
    if (d > 0 || (d === 0 && row.id > last.id)) last = row;
  }
  return { expiresAt: last.expires_at, id: last.id };
}
