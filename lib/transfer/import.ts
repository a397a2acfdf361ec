// Importing licenses from another system (API.md "Admin API additions"): keys of any
// format with their customer, plan, expiry, seats, status and machines. One call is one
// transaction; it is idempotent by key, so a failed or partial migration can simply be
// run again: a key already here with the same plan and customer is `unchanged` (the admin
// API never overwrites; the console's CSV import may `update` it, after a dry run showed
// what would change). Items that cannot be imported are reported by index and skip only
// themselves. Every license created or updated is audited and tells the vendor's systems
// (license.created / license.updated webhook events in the same transaction).
import type { Actor } from "../audit/log";
import { writeAudits } from "../audit/log";
import { lockKeys } from "../db/advisory-locks";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { licenseRow } from "../licensing/issue";
import { hashLicenseKey, licenseKeyHint } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { recordLicenseChanges, recordLicensesCreated, recordMachineEvent } from "../webhooks/record";
import { importedLicense, type ImportedLicense } from "./schemas";

type Tx = Prisma.TransactionClient;

/** What happened to one item of the import, in the order given. */
export type ImportItemResult = {
  index: number;
  result: "created" | "updated" | "unchanged" | "error";
  message?: string;
  /** the key's last characters, to tell items apart without showing keys */
  keyHint?: string;
  email?: string;
  plan?: string;
  machines?: number;
  /** `updated` only: what changed, `{field: {from, to}}` as audit entries write it (machines: the fingerprints added) */
  changes?: Record<string, { from: unknown; to: unknown }>;
};

/** API.md's answer `{created, unchanged, errors}`, plus every item's result (the console's dry run shows them). */
export type ImportSummary = {
  created: number;
  /** always 0 unless the import was asked to `update` */
  updated: number;
  unchanged: number;
  errors: { index: number; message: string }[];
  items: ImportItemResult[];
};

type PlanRow = { id: string; slug: string; durationDays: number | null; maxMachines: number; floating: boolean; heartbeatSeconds: number };

class DryRun extends Error {
  constructor(readonly summary: ImportSummary) {
    super("dry run");
  }
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** How the import runs: `dryRun` rolls everything back; `update` changes licenses that differ from their item. */
type RunOptions = { actor: Actor; ip: string | null; now: Date; dryRun: boolean; update: boolean };

/**
 * Imports `items` (each checked against `importedLicense`). With `dryRun` everything is done
 * and then rolled back, so the summary says exactly what a real run would do. With `update`,
 * a license already here (same plan and customer) whose item gives another expiry, seat
 * count or status, or machines it does not have, is changed to match (machines are added,
 * never removed; a revoked license stays revoked); without it such a license is `unchanged`.
 * Each created or updated license is audited as `license.import` (never with its key) and
 * records `license.created` (or `license.updated` and its status event, `machine.activated`
 * per machine added) for the outbound webhooks. Throws only for the database.
 */
export async function importLicenses(
  items: unknown[],
  ctx: { actor: Actor; ip: string | null; dryRun?: boolean; update?: boolean; now?: Date },
): Promise<ImportSummary> {
  const options: RunOptions = { actor: ctx.actor, ip: ctx.ip, now: ctx.now ?? new Date(), dryRun: ctx.dryRun ?? false, update: ctx.update ?? false };
  try {
    return await prisma().$transaction((tx) => run(tx, items, options), {
      // A thousand licenses with their machines and audit entries take a few seconds here.
      timeout: 120_000,
      maxWait: 10_000,
    });
  } catch (error) {
    if (error instanceof DryRun) return error.summary;
    throw error;
  }
}

async function run(tx: Tx, items: unknown[], { actor, ip, now, dryRun, update }: RunOptions): Promise<ImportSummary> {
  const { hmacKey } = runtimeKeys();
  const results: ImportItemResult[] = items.map((_, index) => ({ index, result: "error" }));
  const valid: { index: number; item: ImportedLicense; hash: string; given: Set<string> }[] = [];
  const seen = new Map<string, ImportedLicense>();

  items.forEach((raw, index) => {
    const parsed = importedLicense.safeParse(raw);
    if (!parsed.success) {
      results[index]!.message = firstIssue(parsed.error);
      return;
    }
    const item = parsed.data;
    const hash = hashLicenseKey(item.key, hmacKey);
    Object.assign(results[index]!, { keyHint: licenseKeyHint(item.key), email: item.email, plan: item.plan, machines: item.machines.length });
    const earlier = seen.get(hash);
    if (earlier) {
      if (earlier.plan === item.plan && earlier.email === item.email) results[index]!.result = "unchanged";
      else results[index]!.message = "The same key appears earlier in this import for another plan or customer";
      return;
    }
    seen.set(hash, item);
    const fingerprints = new Set(item.machines.map((m) => m.fingerprint));
    if (fingerprints.size !== item.machines.length) {
      results[index]!.message = "machines: the same fingerprint appears twice";
      return;
    }
    // Which fields the item states: only those may change a license already here.
    valid.push({ index, item, hash, given: new Set(Object.keys(raw as object)) });
  });

  // Concurrent imports of the same keys run one after the other, so the second sees the first's licenses.
  await lockKeys(tx, valid.map((v) => `license-key:${v.hash}`));
  const existing = new Map(
    (
      await tx.license.findMany({
        where: { keyHash: { in: valid.map((v) => v.hash) } },
        select: {
          id: true,
          keyHash: true,
          status: true,
          expiresAt: true,
          maxMachines: true,
          plan: { select: { slug: true } },
          user: { select: { email: true } },
          machines: { select: { id: true, fingerprint: true, deactivatedAt: true } },
        },
      })
    ).map((l) => [l.keyHash, l]),
  );
  const slugs = [...new Set(valid.map((v) => v.item.plan))];
  // FOR KEY SHARE, as lockPlanForLicense: a concurrent plan deletion cannot remove a plan being imported onto.
  const plans = new Map(
    (
      await tx.$queryRaw<PlanRow[]>`
        SELECT id, slug, duration_days AS "durationDays", max_machines AS "maxMachines", floating, heartbeat_seconds AS "heartbeatSeconds"
        FROM plans WHERE slug = ANY(${slugs}::text[]) FOR KEY SHARE`
    ).map((p) => [p.slug, p]),
  );

  const toCreate: { index: number; item: ImportedLicense; plan: PlanRow }[] = [];
  const toUpdate: { index: number; item: ImportedLicense; found: Existing; plan: PlanRow; change: LicenseChange }[] = [];
  for (const { index, item, hash, given } of valid) {
    const result = results[index]!;
    const found = existing.get(hash);
    if (found) {
      if (found.plan.slug !== item.plan || found.user.email.toLowerCase() !== item.email) {
        result.message = `The key already belongs to a license on plan "${found.plan.slug}" for ${found.user.email}`;
      } else if (!update) {
        result.result = "unchanged";
      } else {
        const change = licenseChange(found, item, given, plans.get(item.plan)!);
        if (typeof change === "string") result.message = change;
        else if (Object.keys(change.changes).length === 0) result.result = "unchanged";
        else toUpdate.push({ index, item, found, plan: plans.get(item.plan)!, change });
      }
      continue;
    }
    const plan = plans.get(item.plan);
    if (!plan) {
      result.message = `plan: unknown plan "${item.plan}"`;
      continue;
    }
    const seats = item.maxMachines ?? plan.maxMachines;
    if (item.machines.length > seats) {
      result.message = `machines: ${item.machines.length} machines but only ${seats} seat${seats === 1 ? "" : "s"}`;
      continue;
    }
    toCreate.push({ index, item, plan });
  }

  if (toCreate.length > 0) {
    const users = await customers(tx, toCreate.map((c) => c.item));
    const rows = toCreate.map(({ item, plan }) =>
      licenseRow({
        plan,
        userId: users.get(item.email)!,
        key: item.key,
        expiresAt: item.expiresAt,
        maxMachines: item.maxMachines ?? null,
        status: item.status,
        createdAt: item.createdAt,
        now,
      }),
    );
    const created = await tx.license.createManyAndReturn({ data: rows.map((r) => r.data), select: { id: true, keyHash: true, keyHint: true, expiresAt: true, createdAt: true } });
    const byHash = new Map(created.map((l) => [l.keyHash, l]));
    const machines: Prisma.MachineCreateManyInput[] = [];
    const audits = toCreate.map(({ index, item, plan }, i) => {
      const license = byHash.get(rows[i]!.data.keyHash)!;
      const deadline = plan.floating ? new Date(now.getTime() + plan.heartbeatSeconds * 1000) : null;
      item.machines.forEach((m, order) => {
        const activatedAt = m.activatedAt ?? new Date(now.getTime() + order);
        machines.push({ licenseId: license.id, fingerprint: m.fingerprint, name: m.name ?? null, heartbeatDeadline: deadline, activatedAt, lastSeenAt: activatedAt });
      });
      results[index]!.result = "created";
      return {
        actor,
        action: "license.import",
        target: { type: "license", id: license.id },
        ip,
        // Never the key itself: the audit log is read by every admin, for years.
        data: {
          plan: plan.slug,
          email: item.email,
          keyHint: license.keyHint,
          status: item.status,
          expiresAt: license.expiresAt?.toISOString() ?? null,
          maxMachines: item.maxMachines ?? null,
          machines: item.machines.length,
          createdAt: license.createdAt.toISOString(),
        },
      };
    });
    if (machines.length > 0) await tx.machine.createMany({ data: machines });
    await writeAudits(tx, audits);
    // The vendor's systems hear of an imported license as of any other new one (lib/licensing/issue.ts).
    await recordLicensesCreated(tx, created.map((l) => l.id), { now });
  }

  for (const { index, found, plan, change } of toUpdate) {
    await applyChange(tx, found, plan, change, now);
    Object.assign(results[index]!, { result: "updated", changes: change.changes });
    await writeAudits(tx, [
      { actor, action: "license.import", target: { type: "license", id: found.id }, ip, data: { plan: plan.slug, keyHint: results[index]!.keyHint ?? null, changes: change.changes as Prisma.InputJsonObject } },
    ]);
  }

  const summary: ImportSummary = {
    created: results.filter((r) => r.result === "created").length,
    updated: results.filter((r) => r.result === "updated").length,
    unchanged: results.filter((r) => r.result === "unchanged").length,
    errors: results.filter((r) => r.result === "error").map((r) => ({ index: r.index, message: r.message ?? "Invalid" })),
    items: results,
  };
  if (dryRun) throw new DryRun(summary);
  return summary;
}

type Existing = {
  id: string;
  status: ImportedLicense["status"];
  expiresAt: Date | null;
  maxMachines: number | null;
  machines: { id: string; fingerprint: string; deactivatedAt: Date | null }[];
};
type LicenseChange = {
  changes: Record<string, { from: unknown; to: unknown }>;
  fields: { expiresAt?: Date | null; maxMachines?: number | null; status?: ImportedLicense["status"] };
  addMachines: ImportedLicense["machines"];
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * What updating `found` to match `item` changes (only the fields the item states), or why
 * it may not: a revoked license is final (API.md), and the machines must fit the seats.
 */
function licenseChange(found: Existing, item: ImportedLicense, given: Set<string>, plan: PlanRow): LicenseChange | string {
  const changes: LicenseChange["changes"] = {};
  const fields: LicenseChange["fields"] = {};
  if (given.has("expiresAt") && item.expiresAt !== undefined && iso(item.expiresAt) !== iso(found.expiresAt)) {
    changes.expiresAt = { from: iso(found.expiresAt), to: iso(item.expiresAt) };
    fields.expiresAt = item.expiresAt;
  }
  if (given.has("maxMachines") && item.maxMachines !== undefined && item.maxMachines !== found.maxMachines) {
    changes.maxMachines = { from: found.maxMachines, to: item.maxMachines };
    fields.maxMachines = item.maxMachines;
  }
  if (given.has("status") && item.status !== found.status) {
    changes.status = { from: found.status, to: item.status };
    fields.status = item.status;
  }
  const live = new Set(found.machines.filter((m) => !m.deactivatedAt).map((m) => m.fingerprint));
  const addMachines = item.machines.filter((m) => !live.has(m.fingerprint));
  if (addMachines.length > 0) changes.machines = { from: [...live], to: [...live, ...addMachines.map((m) => m.fingerprint)] };
  if (Object.keys(changes).length === 0) return { changes, fields, addMachines };
  if (found.status === "REVOKED") return "The license here is revoked, which is final: it cannot be changed by an import";
  const seats = (fields.maxMachines !== undefined ? fields.maxMachines : found.maxMachines) ?? plan.maxMachines;
  if (live.size + addMachines.length > seats) {
    return `machines: ${live.size + addMachines.length} machines (${live.size} here, ${addMachines.length} added) but only ${seats} seat${seats === 1 ? "" : "s"}`;
  }
  return { changes, fields, addMachines };
}

/** Writes one license's change, its machines (a deactivated row of the same fingerprint is activated again) and its webhook events. */
async function applyChange(tx: Tx, found: Existing, plan: PlanRow, { changes, fields, addMachines }: LicenseChange, now: Date): Promise<void> {
  if (Object.keys(fields).length > 0) await tx.license.update({ where: { id: found.id }, data: fields });
  const deadline = plan.floating ? new Date(now.getTime() + plan.heartbeatSeconds * 1000) : null;
  const { machines: _machines, ...licenseChanges } = changes;
  await recordLicenseChanges(tx, found.id, licenseChanges, { now });
  for (const [order, m] of addMachines.entries()) {
    const activatedAt = m.activatedAt ?? new Date(now.getTime() + order);
    const values = { name: m.name ?? null, heartbeatDeadline: deadline, activatedAt, lastSeenAt: activatedAt, deactivatedAt: null };
    const previous = found.machines.find((x) => x.fingerprint === m.fingerprint);
    const machine = previous
      ? await tx.machine.update({ where: { id: previous.id }, data: values })
      : await tx.machine.create({ data: { ...values, licenseId: found.id, fingerprint: m.fingerprint } });
    await recordMachineEvent(tx, "machine.activated", found.id, machine, { now });
  }
}

/**
 * The customer id of every email among `items`: existing accounts are reused (under the
 * per-address lock accountByEmail takes), new ones are created with the item's `name`.
 */
async function customers(tx: Tx, items: ImportedLicense[]): Promise<Map<string, string>> {
  const names = new Map<string, string | null>();
  for (const item of items) if (!names.has(item.email) || !names.get(item.email)) names.set(item.email, item.name ?? null);
  const emails = [...names.keys()];
  await lockKeys(tx, emails.map((e) => `user-email:${e}`));
  // The email type gives the identity form, the form every address is stored in: exact equality (never ILIKE).
  const find = async (list: string[]) => (await tx.user.findMany({ where: { email: { in: list } }, select: { id: true, email: true } })).map((u) => [u.email, u.id] as const);
  const ids = new Map(await find(emails));
  const missing = emails.filter((e) => !ids.has(e));
  if (missing.length > 0) {
    await tx.user.createMany({ data: missing.map((email) => ({ email, name: names.get(email) ?? null })) });
    for (const [email, id] of await find(missing)) ids.set(email, id);
  }
  return ids;
}
