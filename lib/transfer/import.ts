// Importing licenses from another system (API.md "Admin API additions"): keys of any
// format with their customer, plan, expiry, seats, status and machines. One call is one
// transaction; it is idempotent by key, so a failed or partial migration can simply be
// run again: a key already here with the same plan and customer is `unchanged`, never
// overwritten. Items that cannot be imported are reported by index and skip only themselves.
import type { Actor } from "../audit/log";
import { writeAudits } from "../audit/log";
import { lockKeys } from "../db/advisory-locks";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { licenseRow } from "../licensing/issue";
import { hashLicenseKey, licenseKeyHint } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { importedLicense, type ImportedLicense } from "./schemas";

type Tx = Prisma.TransactionClient;

/** What happened to one item of the import, in the order given. */
export type ImportItemResult = {
  index: number;
  result: "created" | "unchanged" | "error";
  message?: string;
  /** the key's last characters, to tell items apart without showing keys */
  keyHint?: string;
  email?: string;
  plan?: string;
  machines?: number;
};

/** API.md's answer `{created, unchanged, errors}`, plus every item's result (the console's dry run shows them). */
export type ImportSummary = {
  created: number;
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

/**
 * Imports `items` (each checked against `importedLicense`). With `dryRun` everything is done
 * and then rolled back, so the summary says exactly what a real run would do. Each created
 * license is audited as `license.import` (never with its key). Throws only for the database.
 */
export async function importLicenses(
  items: unknown[],
  ctx: { actor: Actor; ip: string | null; dryRun?: boolean; now?: Date },
): Promise<ImportSummary> {
  const now = ctx.now ?? new Date();
  try {
    return await prisma().$transaction((tx) => run(tx, items, ctx.actor, ctx.ip, now, ctx.dryRun ?? false), {
      // A thousand licenses with their machines and audit entries take a few seconds here.
      timeout: 120_000,
      maxWait: 10_000,
    });
  } catch (error) {
    if (error instanceof DryRun) return error.summary;
    throw error;
  }
}

async function run(tx: Tx, items: unknown[], actor: Actor, ip: string | null, now: Date, dryRun: boolean): Promise<ImportSummary> {
  const { hmacKey } = runtimeKeys();
  const results: ImportItemResult[] = items.map((_, index) => ({ index, result: "error" }));
  const valid: { index: number; item: ImportedLicense; hash: string }[] = [];
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
    valid.push({ index, item, hash });
  });

  // Concurrent imports of the same keys run one after the other, so the second sees the first's licenses.
  await lockKeys(tx, valid.map((v) => `license-key:${v.hash}`));
  const existing = new Map(
    (
      await tx.license.findMany({
        where: { keyHash: { in: valid.map((v) => v.hash) } },
        select: { keyHash: true, plan: { select: { slug: true } }, user: { select: { email: true } } },
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
  for (const { index, item, hash } of valid) {
    const result = results[index]!;
    const found = existing.get(hash);
    if (found) {
      if (found.plan.slug === item.plan && found.user.email.toLowerCase() === item.email) result.result = "unchanged";
      else result.message = `The key already belongs to a license on plan "${found.plan.slug}" for ${found.user.email}`;
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
  }

  const summary: ImportSummary = {
    created: results.filter((r) => r.result === "created").length,
    unchanged: results.filter((r) => r.result === "unchanged").length,
    errors: results.filter((r) => r.result === "error").map((r) => ({ index: r.index, message: r.message ?? "Invalid" })),
    items: results,
  };
  if (dryRun) throw new DryRun(summary);
  return summary;
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
