// Exporting licenses, customers and machines as JSON or CSV, so no vendor is locked in.
// Keys are included only when asked for explicitly (the caller audits the export).
// The JSON export of licenses with keys is a valid import body (lib/transfer/import.ts):
// re-imported into another portal with the same plans it gives the same licenses.
import { writeAudit, type Actor } from "../audit/log";
import { prisma } from "../db/client";
import { decryptLicenseKey } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { activeMachines } from "../licensing/decision";
import { licenseSnapshot } from "../licensing/snapshot";
import { LICENSE_INCLUDE } from "../admin-api/license-view";
import { toCsv } from "./csv";

export const EXPORT_KINDS = ["licenses", "customers", "machines"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export type ExportFormat = "json" | "csv";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Spreadsheets run a cell starting with = + - @ as a formula: free text that people type
 * (names) is prefixed with ' in CSV, as OWASP's CSV-injection advice says. Keys and
 * fingerprints are kept exactly, so they import again unchanged.
 */
const spreadsheetSafe = (value: string | null) => (value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/**
 * Every license, oldest first: the import fields (plan, email, key when `withKeys`, name,
 * expiresAt, maxMachines — null when the plan's seats apply —, status, createdAt, machines
 * holding a seat) plus id, number, product, keyHint and activeMachines.
 */
export async function licenseRecords(withKeys: boolean, now = new Date()) {
  const { aesKey } = runtimeKeys();
  const rows = await prisma().license.findMany({
    include: {
      ...LICENSE_INCLUDE,
      user: { select: { email: true, name: true } },
      machines: { where: { deactivatedAt: null }, orderBy: [{ activatedAt: "asc" }, { id: "asc" }] },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => {
    const snapshot = licenseSnapshot(row);
    const active = activeMachines(snapshot, row.machines, now);
    return {
      id: row.id,
      number: row.number,
      product: snapshot.product,
      plan: snapshot.plan,
      email: row.user.email,
      name: row.user.name,
      ...(withKeys ? { key: decryptLicenseKey(row.keyCiphertext, aesKey) } : {}),
      keyHint: row.keyHint,
      status: row.status,
      expiresAt: iso(row.expiresAt),
      maxMachines: row.maxMachines,
      activeMachines: active.length,
      createdAt: row.createdAt.toISOString(),
      machines: active.map((m) => ({ fingerprint: m.fingerprint, name: m.name, activatedAt: m.activatedAt.toISOString() })),
    };
  });
}

/** Every customer with the number of their licenses. */
export async function customerRecords() {
  const users = await prisma().user.findMany({
    include: { _count: { select: { licenses: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return users.map((u) => ({ id: u.id, number: u.number, email: u.email, name: u.name, createdAt: u.createdAt.toISOString(), licenses: u._count.licenses }));
}

/** Every machine, deactivated ones included, with its license (and the key when `withKeys`). */
export async function machineRecords(withKeys: boolean) {
  const { aesKey } = runtimeKeys();
  const machines = await prisma().machine.findMany({
    include: { license: { select: { id: true, keyHint: true, keyCiphertext: true } } },
    orderBy: [{ activatedAt: "asc" }, { id: "asc" }],
  });
  return machines.map((m) => ({
    id: m.id,
    licenseId: m.licenseId,
    ...(withKeys ? { key: decryptLicenseKey(m.license.keyCiphertext, aesKey) } : {}),
    keyHint: m.license.keyHint,
    fingerprint: m.fingerprint,
    name: m.name,
    platform: m.platform,
    hostname: m.hostname,
    activatedAt: m.activatedAt.toISOString(),
    lastSeenAt: m.lastSeenAt.toISOString(),
    heartbeatDeadline: iso(m.heartbeatDeadline),
    deactivatedAt: iso(m.deactivatedAt),
  }));
}

const LICENSE_COLUMNS = ["id", "number", "product", "plan", "email", "name", "key", "keyHint", "status", "expiresAt", "maxMachines", "activeMachines", "createdAt", "machineFingerprint", "machineName", "machineActivatedAt"];
const CUSTOMER_COLUMNS = ["id", "number", "email", "name", "createdAt", "licenses"];
const MACHINE_COLUMNS = ["id", "licenseId", "key", "keyHint", "fingerprint", "name", "platform", "hostname", "activatedAt", "lastSeenAt", "heartbeatDeadline", "deactivatedAt"];

/**
 * One export as a file: its body, content type and file name. CSV of licenses has one row
 * per machine holding a seat (a license without machines: one row with empty machine
 * columns), which is how the console's CSV import reads machines back.
 */
export async function exportFile(kind: ExportKind, format: ExportFormat, withKeys: boolean, now = new Date()) {
  const stamp = now.toISOString().slice(0, 10);
  const filename = `${kind}-${stamp}.${format}`;
  const records = kind === "licenses" ? await licenseRecords(withKeys, now) : kind === "customers" ? await customerRecords() : await machineRecords(withKeys);
  if (format === "json") {
    return { body: JSON.stringify({ [kind]: records }, null, 2) + "\n", contentType: "application/json; charset=utf-8", filename, count: records.length };
  }
  let csv: string;
  if (kind === "licenses") {
    const rows = (records as Awaited<ReturnType<typeof licenseRecords>>).flatMap(({ machines, ...license }) => {
      const base = { ...license, name: spreadsheetSafe(license.name) };
      return machines.length === 0
        ? [base]
        : machines.map((m) => ({ ...base, machineFingerprint: m.fingerprint, machineName: spreadsheetSafe(m.name), machineActivatedAt: m.activatedAt }));
    });
    csv = toCsv(withKeys ? LICENSE_COLUMNS : LICENSE_COLUMNS.filter((c) => c !== "key"), rows);
  } else if (kind === "customers") {
    csv = toCsv(CUSTOMER_COLUMNS, (records as Awaited<ReturnType<typeof customerRecords>>).map((c) => ({ ...c, name: spreadsheetSafe(c.name) })));
  } else {
    const rows = (records as Awaited<ReturnType<typeof machineRecords>>).map((m) => ({ ...m, name: spreadsheetSafe(m.name) }));
    csv = toCsv(withKeys ? MACHINE_COLUMNS : MACHINE_COLUMNS.filter((c) => c !== "key"), rows);
  }
  return { body: csv, contentType: "text/csv; charset=utf-8", filename, count: records.length };
}

/**
 * The one way any caller (the admin API's GET /export/..., the console's export buttons)
 * hands out an export: the file of `kind` as `format`, license keys only when `keys` is true
 * (never for customers, which have none), and an audit entry `export.<kind>` `{format, keys,
 * count}` written after the file is built, since every export carries customers' addresses
 * and, with keys, secrets.
 */
export async function exportForActor(kind: ExportKind, format: ExportFormat, keys: boolean, ctx: { actor: Actor; ip: string | null }) {
  const withKeys = keys && kind !== "customers";
  const file = await exportFile(kind, format, withKeys);
  await writeAudit(prisma(), { actor: ctx.actor, action: `export.${kind}`, target: { type: kind }, ip: ctx.ip, data: { format, keys: withKeys, count: file.count } });
  return file;
}
