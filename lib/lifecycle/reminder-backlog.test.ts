// Reminder emails with thousands of licenses in the reminder window that get none, against real
// PostgreSQL: licenses already reminded of this term (and those that get no reminder) stay in the
// window of expiries the reminder run reads until they expire. A run that queues a wave of
// reminders must read each of those once, not once per batch of 100 (lib/lifecycle/reminders.ts);
// rows are counted from each batch's plan (lib/test/query-plan.ts), not timed.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { measuringPool } from "../test/query-plan";
import { queueDueReminders } from "./reminders";

setupTestDatabase();

const REMINDED = 2000; // expiring tomorrow, reminded already: first in the window's order
const DUE = 450; // expiring in two days, not reminded: five batches

let userId = "";
beforeAll(async () => {
  const { license, user } = await createLicense({ expiresAt: new Date(Date.now() + 30 * 86_400_000) }); // its plan reminds 7 days before
  userId = user.id;
  await db().query(
    `INSERT INTO licenses (key_hash, key_ciphertext, key_hint, user_id, plan_id, updated_at, expires_at, reminder_sent_for)
     SELECT 'reminder-' || g, key_ciphertext, key_hint, user_id, plan_id, now(), e, CASE WHEN g <= $2::int THEN e END
     FROM licenses, generate_series(1, $2::int + $3::int) g,
          LATERAL (SELECT now() + CASE WHEN g <= $2::int THEN interval '1 day' ELSE interval '2 days' END + g * interval '1 second' AS e) x
     WHERE id = $1`,
    [license.id, REMINDED, DUE],
  );
  await db().query("ANALYZE licenses");
});

describe("reminder emails with thousands of licenses already reminded in the window", () => {
  it("queue each due reminder once, reading the reminded licenses once rather than once per batch", async () => {
    const touched: number[] = [];
    expect(await queueDueReminders(new Date(), measuringPool(db(), "due", touched, "real"))).toBe(DUE);
    expect(touched).toHaveLength(Math.ceil(DUE / 100));
    // Choosing a batch of 100 touches a few hundred rows (scan, lock, join with its plan); the first
    // batch also reads past the 2,000 reminded licenses, once. Restarting every batch at the
    // window's start read them in each of the five batches, and each batch's predecessors too.
    const [first, ...rest] = touched;
    expect(first).toBeGreaterThan(REMINDED);
    expect(first).toBeLessThan(REMINDED + 1000);
    for (const n of rest) expect(n).toBeLessThan(1000);

    const { rows } = await db().query<{ emails: number; reminded: number }>(
      `SELECT (SELECT count(*)::int FROM email_messages WHERE kind = 'expiry_reminder') AS emails,
              (SELECT count(*)::int FROM licenses WHERE user_id = $1 AND key_hash LIKE 'reminder-%' AND reminder_sent_for = expires_at) AS reminded`,
      [userId],
    );
    expect(rows[0]).toEqual({ emails: DUE, reminded: REMINDED + DUE });
    // Nothing is due any more: a second run queues none.
    expect(await queueDueReminders(new Date())).toBe(0);
  }, 60_000);
});

describe("a reminder run beside other work on the licenses", () => {
  it("reminds a license whose row another transaction holds for a key check (an insert referencing it), in the same run", async () => {
    const { license, user } = await createLicense({ expiresAt: new Date(Date.now() + 30 * 86_400_000) });
    const ids = (
      await db().query<{ id: string }>(
        `INSERT INTO licenses (key_hash, key_ciphertext, key_hint, user_id, plan_id, updated_at, expires_at)
         SELECT 'held-' || g, key_ciphertext, key_hint, user_id, plan_id, now(), now() + interval '3 days' + g * interval '1 second'
         FROM licenses, generate_series(1, 150) g WHERE id = $1 ORDER BY g RETURNING id::text`,
        [license.id],
      )
    ).rows.map((r) => r.id);
    // A machine being activated on the fifth one, not yet committed: its foreign key holds the row FOR KEY SHARE.
    const other = await db().connect();
    try {
      await other.query("BEGIN");
      await other.query(`INSERT INTO machines (license_id, fingerprint) VALUES ($1, 'held-machine')`, [ids[4]]);
      expect(await queueDueReminders(new Date())).toBe(150);
    } finally {
      await other.query("ROLLBACK");
      other.release();
    }
    const { rows } = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM licenses WHERE user_id = $1 AND key_hash LIKE 'held-%' AND reminder_sent_for = expires_at`,
      [user.id],
    );
    expect(rows[0]!.n).toBe(150);
  }, 60_000);
});
