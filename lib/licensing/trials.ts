// Free trials: a plan with `trialDays` offers a trial license, issued to a signed-in
// customer without payment (the pricing page's "Start free trial").
//
// Limits, both kept in tables that outlive the trial license (migration
// 20261202141000_trials):
// - one trial per customer and product, ever (`trials`, primary key user + product);
// - a machine (fingerprint) that held a trial license of a product cannot activate
//   another trial license of it (`trial_machines`): TRIAL_ALREADY_USED.
// A trial license is an ordinary license with `trial = true` and an expiry of
// issue time + trialDays. Buying a plan of its product converts it: the same
// license (key, machines) moves to the bought plan and stops being a trial
// (lib/payments/upgrades.ts, applied by the checkout webhook).
import type pg from "pg";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { queueLicenseEmail } from "../email/messages";
import type { Prisma } from "../generated/prisma/client";
import { issueLicense, lockPlanForLicense } from "./issue";

const DAY_MS = 86_400_000;

/** Why a trial cannot start; `code` is what the trial page explains, `message` says it in words. */
export class TrialError extends Error {
  constructor(
    readonly code: "plan" | "notrial" | "used",
    message: string,
  ) {
    super(message);
  }
}

export type StartedTrial = { licenseId: string; expiresAt: Date; created: boolean };

/**
 * Issues a trial license of the plan `planSlug` to `user`, in one transaction: the
 * license (trial, expiring at `now` + the plan's trialDays), its audit entry, the
 * `license.created` webhook event and the key email (occasion "trial").
 * Idempotent per customer and product: while that customer's trial license is
 * still a trial, asking again answers it (`created: false`) instead of a second one.
 * @throws TrialError "plan" (no such plan on sale), "notrial" (the plan offers no
 *   trial), "used" (the customer had a trial of this product before, converted or ended)
 */
export async function startTrial(user: { id: string; email: string }, planSlug: string, now = new Date()): Promise<StartedTrial> {
  return prisma().$transaction(async (tx) => {
    const planId = await lockPlanForLicense(tx, { slug: planSlug });
    const plan = planId
      ? await tx.plan.findFirst({
          where: { id: planId, archivedAt: null, product: { archivedAt: null } },
          include: { product: { select: { id: true, name: true } } },
        })
      : null;
    if (!plan) throw new TrialError("plan", "This plan is not on sale.");
    if (plan.trialDays == null) throw new TrialError("notrial", `The ${plan.name} plan has no free trial.`);

    // The primary key makes concurrent starts of the same customer and product insert one row.
    const claimed = await tx.$queryRaw<{ user_id: string }[]>`
      INSERT INTO trials (user_id, product_id, started_at) VALUES (${user.id}::uuid, ${plan.product.id}::uuid, ${now})
      ON CONFLICT (user_id, product_id) DO NOTHING RETURNING user_id`;
    if (claimed.length === 0) {
      const earlier = await tx.trial.findUnique({ where: { userId_productId: { userId: user.id, productId: plan.product.id } } });
      const running = earlier?.licenseId
        ? await tx.license.findFirst({ where: { id: earlier.licenseId, userId: user.id, trial: true }, select: { id: true, expiresAt: true } })
        : null;
      if (running?.expiresAt && running.expiresAt > now) return { licenseId: running.id, expiresAt: running.expiresAt, created: false };
      throw new TrialError("used", `You have had a free trial of ${plan.product.name} already; buy a plan to keep using it.`);
    }

    const expiresAt = new Date(now.getTime() + plan.trialDays * DAY_MS);
    const { license, key } = await issueLicense(tx, { plan, userId: user.id, expiresAt, trial: true, now });
    await tx.trial.update({ where: { userId_productId: { userId: user.id, productId: plan.product.id } }, data: { licenseId: license.id } });
    await writeAudit(tx, {
      actor: { type: "user", id: user.id, label: user.email },
      action: "license.create",
      target: { type: "license", id: license.id },
      // Never the key: the audit log is read by every admin, for years.
      data: { trial: true, plan: plan.slug, email: user.email, expiresAt: expiresAt.toISOString(), keyHint: license.keyHint },
    });
    await queueLicenseEmail(tx, { to: user.email, productName: plan.product.name, planName: plan.name, key, expiresAt, occasion: "trial" });
    return { licenseId: license.id, expiresAt, created: true };
  });
}

/** Whether the customer has had a trial of the product (any way: the trial page or a Stripe trial). */
export async function hasHadTrial(userId: string, productId: string): Promise<boolean> {
  return (await prisma().trial.count({ where: { userId, productId } })) > 0;
}

/**
 * Records, in the caller's transaction, that the customer's trial of the product is `licenseId`
 * (a subscription bought with a Stripe trial); an earlier trial of theirs stays the one on record.
 */
export async function recordTrial(tx: Prisma.TransactionClient, userId: string, productId: string, licenseId: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO trials (user_id, product_id, license_id) VALUES (${userId}::uuid, ${productId}::uuid, ${licenseId}::uuid)
                       ON CONFLICT (user_id, product_id) DO NOTHING`;
}

/** The plan's trial offer for the trial page: null when the plan is not on sale or offers no trial. */
export async function trialOffer(planSlug: string) {
  const plan = await prisma().plan.findFirst({
    where: { slug: planSlug, archivedAt: null, product: { archivedAt: null }, trialDays: { not: null } },
    select: { slug: true, name: true, trialDays: true, product: { select: { name: true } } },
  });
  return plan ? { slug: plan.slug, planName: plan.name, productName: plan.product.name, trialDays: plan.trialDays! } : null;
}

/**
 * Records that `fingerprint` holds (a seat of) the trial license `licenseId`, in the
 * caller's activation transaction, and answers whether it may: false when the
 * machine held another trial license of the same product before. Two statements,
 * not one: after waiting for a concurrent insert of the same machine, the second
 * reads the row that transaction committed.
 */
export async function claimTrialMachine(client: Pick<pg.PoolClient, "query">, licenseId: string, fingerprint: string): Promise<boolean> {
  await client.query({
    name: "claim-trial-machine",
    text: `INSERT INTO trial_machines (product_id, fingerprint, license_id)
           SELECT p.product_id, $2, l.id FROM licenses l JOIN plans p ON p.id = l.plan_id WHERE l.id = $1
           ON CONFLICT (product_id, fingerprint) DO NOTHING`,
    values: [licenseId, fingerprint],
  });
  const { rows } = await client.query<{ license_id: string }>({
    name: "trial-machine-holder",
    text: `SELECT t.license_id FROM trial_machines t
           JOIN plans p ON p.product_id = t.product_id JOIN licenses l ON l.plan_id = p.id
           WHERE l.id = $1 AND t.fingerprint = $2`,
    values: [licenseId, fingerprint],
  });
  return rows[0]?.license_id === licenseId;
}
