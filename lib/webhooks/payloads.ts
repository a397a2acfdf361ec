// The `data` objects of events, read inside the transaction that records the
// event, so they show the license as that transaction leaves it. Hand-written
// SQL through lib/db/sql.ts, so the license API's `pg` transactions and the
// Prisma ones build them alike; the shapes are the admin API's own
// (adminLicense, adminMachine), so a receiver sees what GET /licenses/{id} shows.
import { adminLicense, adminMachine, type AdminLicense, type AdminMachine } from "../admin-api/license-view";
import { sqlQuery, type Tx } from "../db/sql";
import type { LicenseStatus, MachineSnapshot } from "../licensing/decision";
import { toMachine } from "../licensing/store";

type Row = {
  id: string;
  status: LicenseStatus;
  expires_at: Date | string | null;
  max_machines: number | null;
  key_hint: string;
  created_at: Date | string;
  trial: boolean;
  email: string;
  plan_slug: string;
  plan_max_machines: number;
  floating: boolean;
  heartbeat_seconds: number;
  entitlements: string[] | null;
  offline_grace_days: number;
  product_slug: string;
};

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** The admin API's license item for `licenseId` as `tx` sees it, or null when there is no such license. */
export async function licensePayload(tx: Tx, licenseId: string, now = new Date()): Promise<AdminLicense | null> {
  return (await licensePayloads(tx, [licenseId], now)).get(licenseId) ?? null;
}

/**
 * The admin API's license items of `licenseIds` as `tx` sees them, by id (absent: no such
 * license), in two queries whatever their number: a bulk import records a thousand events.
 */
export async function licensePayloads(tx: Tx, licenseIds: string[], now = new Date()): Promise<Map<string, AdminLicense>> {
  if (licenseIds.length === 0) return new Map();
  const rows = await sqlQuery<Row>(
    tx,
    `SELECT l.id::text, l.status::text AS status, l.expires_at, l.max_machines, l.key_hint, l.created_at, l.trial, u.email,
            p.slug AS plan_slug, p.max_machines AS plan_max_machines, p.floating, p.heartbeat_seconds, p.entitlements,
            p.offline_grace_days, pr.slug AS product_slug
     FROM licenses l JOIN users u ON u.id = l.user_id JOIN plans p ON p.id = l.plan_id JOIN products pr ON pr.id = p.product_id
     WHERE l.id = ANY($1::uuid[])`,
    [licenseIds],
  );
  const machines = await sqlQuery<Parameters<typeof toMachine>[0] & { license_id: string }>(
    tx,
    `SELECT id::text, license_id::text, fingerprint, name, platform, hostname, activated_at, last_seen_at, heartbeat_deadline, deactivated_at
     FROM machines WHERE license_id = ANY($1::uuid[]) AND deactivated_at IS NULL ORDER BY activated_at, id`,
    [licenseIds],
  );
  const byLicense = new Map<string, typeof machines>();
  for (const m of machines) {
    const list = byLicense.get(m.license_id);
    if (list) list.push(m);
    else byLicense.set(m.license_id, [m]);
  }
  const result = new Map<string, AdminLicense>();
  for (const row of rows) {
    const own = byLicense.get(row.id) ?? [];
    result.set(
      row.id,
      adminLicense(
        {
          id: row.id,
          status: row.status,
          expiresAt: row.expires_at === null ? null : date(row.expires_at),
          maxMachines: row.max_machines,
          keyHint: row.key_hint,
          createdAt: date(row.created_at),
          trial: row.trial,
          user: { email: row.email },
          plan: {
            slug: row.plan_slug,
            maxMachines: row.plan_max_machines,
            floating: row.floating,
            heartbeatSeconds: row.heartbeat_seconds,
            entitlements: row.entitlements ?? [],
            offlineGraceDays: row.offline_grace_days,
            product: { slug: row.product_slug },
          },
        },
        own.map(toMachine),
        now,
      ),
    );
  }
  return result;
}

/** The admin API's machine object. */
export function machinePayload(machine: MachineSnapshot): AdminMachine {
  return adminMachine(machine);
}

/** A machine row by id, as `tx` sees it. */
export async function machineById(tx: Tx, machineId: string): Promise<MachineSnapshot | null> {
  const [row] = await sqlQuery<Parameters<typeof toMachine>[0]>(
    tx,
    `SELECT id::text, fingerprint, name, platform, hostname, activated_at, last_seen_at, heartbeat_deadline, deactivated_at
     FROM machines WHERE id = $1::uuid`,
    [machineId],
  );
  return row ? toMachine(row) : null;
}
