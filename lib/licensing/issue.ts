// Minting a license: a fresh key, stored only as ciphertext + keyed hashes + hint.
// Used by the admin API and console, Stripe fulfilment and the demo seed.
// Whoever issues a license on a plan, or moves one to a plan, first takes
// lockPlanForLicense on it.
import { recordLicenseEvent } from "../webhooks/record";
import { Prisma } from "../generated/prisma/client";
import { generateLicenseKey, licenseKeyColumns } from "./keys";
import { runtimeKeys } from "./runtime-keys";

const DAY_MS = 86_400_000;

export type IssueInput = {
  plan: { id: string; durationDays: number | null };
  userId: string;
  /** explicit expiry; undefined: issue time + the plan's durationDays (null: perpetual) */
  expiresAt?: Date | null;
  maxMachines?: number | null;
  /**
   * A key from another system, for migrations (already checked against FOREIGN_KEY_PATTERN and
   * trimmed); undefined: a fresh one. A key whose hash exists fails the insert with a unique
   * violation on `key_hash`, which callers answer as 409.
   */
  key?: string;
  /** when the license was issued in the system it comes from; default `now` */
  createdAt?: Date;
  status?: "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXPIRED";
  /** a free trial (lib/licensing/trials.ts); default false */
  trial?: boolean;
  stripe?: { customerId?: string | null; subscriptionId?: string | null; checkoutSessionId?: string | null; paymentIntentId?: string | null };
  now?: Date;
};

export function defaultExpiry(durationDays: number | null, now: Date): Date | null {
  return durationDays == null ? null : new Date(now.getTime() + durationDays * DAY_MS);
}

/**
 * The columns of a new license row and its clear key (for the caller to show once; only its
 * ciphertext, keyed hash and hint are stored). The default expiry counts from `createdAt` when
 * given (an imported license keeps the term it was sold with), else from `now`.
 */
export function licenseRow(input: IssueInput): { data: Prisma.LicenseUncheckedCreateInput; key: string } {
  const keys = runtimeKeys();
  const now = input.now ?? new Date();
  const key = input.key ?? generateLicenseKey(keys.prefix);
  const data: Prisma.LicenseUncheckedCreateInput = {
    ...licenseKeyColumns(key, keys),
    expiresAt: input.expiresAt !== undefined ? input.expiresAt : defaultExpiry(input.plan.durationDays, input.createdAt ?? now),
    status: input.status ?? "ACTIVE",
    trial: input.trial ?? false,
    ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    maxMachines: input.maxMachines ?? null,
    userId: input.userId,
    planId: input.plan.id,
    stripeCustomerId: input.stripe?.customerId ?? null,
    stripeSubscriptionId: input.stripe?.subscriptionId ?? null,
    stripeCheckoutSessionId: input.stripe?.checkoutSessionId ?? null,
    stripePaymentIntentId: input.stripe?.paymentIntentId ?? null,
  };
  return { data, key };
}

/** Creates the license row inside `tx` (see licenseRow) and returns it with the clear key. */
export async function issueLicense(tx: Prisma.TransactionClient, input: IssueInput) {
  const { data, key } = licenseRow(input);
  const license = await tx.license.create({ data });
  // Every way a license comes to be (purchase, console, admin API) tells the vendor's systems.
  await recordLicenseEvent(tx, "license.created", license.id, { now: input.now });
  return { license, key };
}

/**
 * Takes FOR KEY SHARE on the plan a license is about to be issued on or moved to:
 * the lock the license's foreign key would take at the write, taken at the read.
 * A concurrent plan deletion (lib/admin/plans.ts, FOR UPDATE) then either waits
 * for this transaction and finds the license, or deleted the plan first and the
 * plan is unknown here; without it the write failed on the foreign key (a 500).
 * The plan's id, or null when there is no such plan.
 */
export async function lockPlanForLicense(tx: Prisma.TransactionClient, plan: { slug: string } | { id: string }): Promise<string | null> {
  const where = "slug" in plan ? Prisma.sql`slug = ${plan.slug}` : Prisma.sql`id = ${plan.id}::uuid`;
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM plans WHERE ${where} FOR KEY SHARE`;
  return rows[0]?.id ?? null;
}
