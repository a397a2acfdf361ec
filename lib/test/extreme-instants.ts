// Instants no input of ours accepts but PostgreSQL holds (written by an old
// version, a migration, a DBA by hand), stored with plain SQL so every reader can
// be shown to survive them (API.md "Input domain": no stored value may make a
// page or an endpoint fail).
import { db } from "../db/client";

/**
 * PostgreSQL timestamptz literals outside years 0001..9999, each with the RFC
 * 3339 string every reader shows for it (lib/db/stored-instants.ts: the nearer
 * end of the input domain).
 */
export const EXTREME_INSTANTS: readonly (readonly [literal: string, shown: string])[] = [
  ["infinity", "9999-12-31T23:59:59.999Z"],
  ["-infinity", "0001-01-01T00:00:00.000Z"],
  ["294276-12-31 23:59:59+00", "9999-12-31T23:59:59.999Z"],
  ["10000-01-01 00:00:00+00", "9999-12-31T23:59:59.999Z"],
  ["0001-01-01 00:00:00+00 BC", "0001-01-01T00:00:00.000Z"],
  ["4713-01-01 00:00:00+00 BC", "0001-01-01T00:00:00.000Z"],
];

/**
 * Writes `literal` with SQL, past every check, into every instant that belongs
 * to the license `licenseId`: its expiry and timestamps, its machines'
 * activation, last-seen and (when set) heartbeat deadline, its payments, its
 * validation events, the audit entries about it, the releases of its product,
 * and every recorded webhook and Stripe event.
 */
export async function storeInstantEverywhere(licenseId: string, literal: string): Promise<void> {
  const pool = db();
  const at = [licenseId, literal];
  await pool.query(
    `UPDATE licenses SET expires_at = $2::timestamptz, created_at = $2::timestamptz, updated_at = $2::timestamptz,
            last_validated_at = $2::timestamptz WHERE id = $1`,
    at,
  );
  await pool.query(
    `UPDATE machines SET activated_at = $2::timestamptz, last_seen_at = $2::timestamptz,
            heartbeat_deadline = CASE WHEN heartbeat_deadline IS NULL THEN NULL ELSE $2::timestamptz END WHERE license_id = $1`,
    at,
  );
  await pool.query(`UPDATE payments SET created_at = $2::timestamptz WHERE license_id = $1`, at);
  await pool.query(`UPDATE validation_events SET at = $2::timestamptz WHERE license_id = $1`, at);
  await pool.query(`UPDATE audit_logs SET at = $2::timestamptz WHERE target_id = $1::text`, at);
  await pool.query(
    `UPDATE releases SET published_at = $2::timestamptz, created_at = $2::timestamptz
      WHERE product_id = (SELECT p.product_id FROM licenses l JOIN plans p ON p.id = l.plan_id WHERE l.id = $1)`,
    at,
  );
  await pool.query(`UPDATE webhook_events SET created_at = $1::timestamptz`, [literal]);
  await pool.query(`UPDATE stripe_events SET received_at = $1::timestamptz, processed_at = $1::timestamptz`, [literal]);
}
