// The license API's database access: hand-written SQL on the shared `pg` pool,
// because this is the hot path (see ARCHITECTURE.md: Prisma costs about 60% of
// the throughput here). Every query is a named prepared statement.
import type pg from "pg";
import type { ExpirationStrategy, LicenseSnapshot, LicenseStatus, MachineSnapshot } from "./decision";

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

// Every column read here must be one whose change the license_changes triggers announce
// (migration 20261202160000_license_change_notifications), else the validate cache would keep
// serving its old value: license-cache.test.ts checks the licenses' and machines' columns.
export const LICENSE_COLUMNS = `
  l.id, l.status, l.expires_at, coalesce(l.max_machines, p.max_machines) AS max_machines,
  p.slug AS plan, pr.slug AS product, p.floating, p.heartbeat_seconds, p.entitlements, p.offline_grace_days,
  p.expiration_strategy, l.trial`;
const LICENSE_FROM = `licenses l JOIN plans p ON p.id = l.plan_id JOIN products pr ON pr.id = p.product_id`;

type LicenseRow = {
  id: string;
  status: LicenseStatus;
  expires_at: Date | null;
  max_machines: number;
  plan: string;
  product: string;
  floating: boolean;
  heartbeat_seconds: number;
  entitlements: string[] | null;
  offline_grace_days: number;
  expiration_strategy: ExpirationStrategy;
  trial: boolean;
};

type MachineRow = {
  id: string;
  fingerprint: string;
  name: string | null;
  platform: string | null;
  hostname: string | null;
  activated_at: Date | string;
  last_seen_at: Date | string;
  heartbeat_deadline: Date | string | null;
  deactivated_at: Date | string | null;
};

function toLicense(row: LicenseRow): LicenseSnapshot {
  return {
    id: row.id,
    status: row.status,
    expiresAt: dateOrNull(row.expires_at),
    product: row.product,
    plan: row.plan,
    maxMachines: row.max_machines,
    floating: row.floating,
    heartbeatSeconds: row.heartbeat_seconds,
    entitlements: row.entitlements ?? [],
    offlineGraceDays: row.offline_grace_days,
    expirationStrategy: row.expiration_strategy,
    trial: row.trial,
  };
}

// The pools read every stored instant as a Date inside years 0001..9999 (lib/db/stored-instants.ts:
// `infinity` as 9999-12-31T23:59:59.999Z, `-infinity` as 0001-01-01), so comparisons and toISOString work.
const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null) => (v == null ? null : date(v));

export function toMachine(row: MachineRow): MachineSnapshot {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    name: row.name,
    platform: row.platform,
    hostname: row.hostname,
    activatedAt: date(row.activated_at),
    lastSeenAt: date(row.last_seen_at),
    heartbeatDeadline: dateOrNull(row.heartbeat_deadline),
    deactivatedAt: dateOrNull(row.deactivated_at),
  };
}

export type LicenseWithMachines = { license: LicenseSnapshot; machines: MachineSnapshot[] };

/**
 * The licenses for a set of key hashes, each with its machines that are not
 * deactivated, in one round trip: a row per machine (or one row with null
 * machine columns). A plain join costs Postgres and the driver less than
 * aggregating the machines to JSON. Hashes with no license are absent.
 */
export async function findLicenses(q: Queryable, keyHashes: readonly string[]): Promise<Map<string, LicenseWithMachines>> {
  const { rows } = await q.query<LicenseRow & { key_hash: string; machine_id: string | null } & Omit<MachineRow, "id" | "deactivated_at">>({
    name: "licenses-by-key-hashes",
    text: `SELECT l.key_hash, ${LICENSE_COLUMNS}, m.id AS machine_id, m.fingerprint, m.name, m.platform, m.hostname,
             m.activated_at, m.last_seen_at, m.heartbeat_deadline
           FROM ${LICENSE_FROM}
           LEFT JOIN machines m ON m.license_id = l.id AND m.deactivated_at IS NULL
           WHERE l.key_hash = ANY($1::text[])
           ORDER BY m.activated_at`,
    values: [keyHashes],
  });
  const found = new Map<string, LicenseWithMachines>();
  for (const row of rows) {
    let entry = found.get(row.key_hash);
    if (!entry) found.set(row.key_hash, (entry = { license: toLicense(row), machines: [] }));
    if (row.machine_id !== null) entry.machines.push(toMachine({ ...row, id: row.machine_id, deactivated_at: null }));
  }
  return found;
}

/**
 * Locks the license row for the rest of the transaction (so seat counting and
 * the insert that follows cannot interleave with another activation), then
 * reads all its machines, deactivated ones included, so a returning fingerprint
 * revives its own row.
 *
 * One statement locks and reads the license with its plan. After waiting for a
 * concurrent update of the row, PostgreSQL re-checks a locked row against the
 * other rows of its join as they were when the statement began, so
 * `... JOIN plans ... FOR UPDATE OF l` finds nothing when the wait was for a
 * change of the license's plan (the activation answered NOT_FOUND, issue 11's
 * concurrent edits). Only then — or for an unknown key — the row is locked
 * alone and read again by id, which sees what the change committed; the usual
 * activation stays one round trip for the license.
 */
export async function lockLicense(client: pg.PoolClient, keyHash: string): Promise<LicenseWithMachines | null> {
  let { rows } = await client.query<LicenseRow>({
    name: "lock-license-by-key-hash",
    text: `SELECT ${LICENSE_COLUMNS} FROM ${LICENSE_FROM} WHERE l.key_hash = $1 FOR UPDATE OF l`,
    values: [keyHash],
  });
  if (rows.length === 0) {
    // Unknown key, or the join's re-check after a wait for a plan change (above):
    // lock the row alone (no join to re-check), then read it with its plan in a
    // statement that starts after that change committed.
    const locked = await client.query<{ id: string }>({
      name: "lock-license-row-by-key-hash",
      text: `SELECT id FROM licenses WHERE key_hash = $1 FOR UPDATE`,
      values: [keyHash],
    });
    const id = locked.rows[0]?.id;
    if (id === undefined) return null;
    ({ rows } = await client.query<LicenseRow>({
      name: "locked-license-by-id",
      text: `SELECT ${LICENSE_COLUMNS} FROM ${LICENSE_FROM} WHERE l.id = $1`,
      values: [id],
    }));
  }
  const row = rows[0];
  if (!row) return null;
  const machines = await client.query<MachineRow>({
    name: "machines-of-license",
    text: `SELECT * FROM machines WHERE license_id = $1 ORDER BY activated_at`,
    values: [row.id],
  });
  return { license: toLicense(row), machines: machines.rows.map(toMachine) };
}

export type MachineDetails = { name?: string; platform?: string; hostname?: string };

export async function insertMachine(
  client: Queryable,
  licenseId: string,
  fingerprint: string,
  details: MachineDetails,
  heartbeatDeadline: Date | null,
): Promise<MachineSnapshot> {
  const { rows } = await client.query<MachineRow>({
    name: "insert-machine",
    text: `INSERT INTO machines (license_id, fingerprint, name, platform, hostname, heartbeat_deadline)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    values: [licenseId, fingerprint, details.name ?? null, details.platform ?? null, details.hostname ?? null, heartbeatDeadline],
  });
  return toMachine(rows[0]!);
}

/** Brings back a deactivated or heartbeat-dead machine row as a fresh activation. */
export async function reviveMachine(
  client: Queryable,
  machineId: string,
  details: MachineDetails,
  heartbeatDeadline: Date | null,
): Promise<MachineSnapshot> {
  const { rows } = await client.query<MachineRow>({
    name: "revive-machine",
    text: `UPDATE machines SET deactivated_at = NULL, activated_at = now(), last_seen_at = now(),
             heartbeat_deadline = $2, name = coalesce($3, name), platform = coalesce($4, platform),
             hostname = coalesce($5, hostname)
           WHERE id = $1 RETURNING *`,
    values: [machineId, heartbeatDeadline, details.name ?? null, details.platform ?? null, details.hostname ?? null],
  });
  return toMachine(rows[0]!);
}

/** Marks a machine seen now and, on floating plans, moves its heartbeat deadline. */
export async function touchMachine(client: Queryable, machineId: string, heartbeatDeadline: Date | null): Promise<MachineSnapshot> {
  const { rows } = await client.query<MachineRow>({
    name: "touch-machine",
    text: `UPDATE machines SET last_seen_at = now(), heartbeat_deadline = coalesce($2, heartbeat_deadline)
           WHERE id = $1 RETURNING *`,
    values: [machineId, heartbeatDeadline],
  });
  return toMachine(rows[0]!);
}

/** Deactivates the license's active machine with this fingerprint; the machine as it now is, or null when there is none. */
export async function deactivateByFingerprint(q: Queryable, keyHash: string, fingerprint: string): Promise<(MachineSnapshot & { licenseId: string }) | null> {
  const { rows } = await q.query<MachineRow & { license_id: string }>({
    name: "deactivate-machine-by-fingerprint",
    text: `UPDATE machines SET deactivated_at = now()
           WHERE fingerprint = $2 AND deactivated_at IS NULL
             AND license_id = (SELECT id FROM licenses WHERE key_hash = $1)
           RETURNING *`,
    values: [keyHash, fingerprint],
  });
  const row = rows[0];
  return row ? { ...toMachine(row), licenseId: row.license_id } : null;
}
