// Plans in the console: every field of the data model (the admin API's
// POST /plans covers only the licensing ones), edit, archive, restore, and
// delete only while no license was ever issued on it.
//
// The slug and product are fixed once created: Stripe checkouts in flight carry
// `metadata.plan` (the slug) and API users name plans by it, so renaming it
// would break both.
import { z } from "zod";
import { isUniqueViolation, uniqueViolationTarget } from "../admin-api/db-errors";
import { slug } from "../admin-api/schemas";
import { writeAudit, type Actor } from "../audit/log";
import { prisma } from "../db/client";
import type { Plan, Prisma } from "../generated/prisma/client";
import { currencyExponent, parseMajorUnits } from "../catalog/money";
import { ApiError } from "../http/errors";
import { planColumns, type PlanColumns } from "../catalog/plan-schema";
import { applyFloatingChange } from "../licensing/seat-changes";
import { checkbox, confirmed, entitlementList, id, integer, optional, trimmed } from "./form-fields";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";

/** The largest amount the int4 column holds. */
const MAX_MINOR_UNITS = 2_147_483_647;

/** "49", "49.90", "5000" (yen) or "1.250" (dinars) in the currency's major unit; made minor units by `columns`. */
const price = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,3})?$/, "A price like 49 or 49.90");

export const planFields = z.object({
  name: trimmed(200).min(1, "Give the plan a name"),
  description: optional(trimmed(2000)),
  maxMachines: integer(1, 10_000),
  // Empty: perpetual.
  durationDays: optional(integer(1, 36_500)),
  entitlements: entitlementList,
  floating: checkbox,
  heartbeatSeconds: optional(integer(10, 31_536_000)),
  offlineGraceDays: optional(integer(0, 365)),
  // Empty: the default (7 days); 0: no reminder.
  reminderDays: optional(integer(0, 365)),
  expirationStrategy: optional(z.enum(["RESTRICT", "MAINTAIN"])),
  stripePriceId: optional(trimmed(255)),
  price: optional(price),
  currency: optional(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{3}$/, "A three-letter currency code such as usd"),
  ),
  billingInterval: optional(z.enum(["month", "year"])),
  sortOrder: optional(integer(-10_000, 10_000)),
  // The Lemon Squeezy variant this plan replaces: the Lemon Squeezy-compatible API answers it as meta.variant_id.
  lemonSqueezyVariantId: optional(integer(1, 2_147_483_647)),
  // Empty: no free trial.
  trialDays: optional(integer(1, 365)),
}).refine(
  // The price's decimals depend on the currency chosen beside it (0 for JPY, 3 for KWD, else 2).
  (input) => {
    if (input.price === undefined) return true;
    const minor = parseMajorUnits(input.price, input.currency ?? "usd");
    return minor !== null && minor <= MAX_MINOR_UNITS;
  },
  {
    path: ["price"],
    error: (issue) => {
      const currency = (issue.input as { currency?: string } | undefined)?.currency ?? "usd";
      const exp = currencyExponent(currency);
      return `A ${currency.toUpperCase()} price has ${exp === 0 ? "no decimals" : `at most ${exp} decimals`} (and fits in 2,147,483,647 minor units)`;
    },
    // Also when other fields are wrong, so the form shows every error at once; not when price or currency themselves are.
    when: (payload) => !payload.issues.some((i) => i.path?.[0] === "price" || i.path?.[0] === "currency"),
  },
);

export const createPlanInput = planFields.safeExtend({ productId: id, slug });

type PlanFields = z.output<typeof planFields>;

/** The typed price in the plan currency's minor units (Stripe's exponent: 0 for JPY, 3 for KWD, else 2). */
function priceInMinorUnits(input: PlanFields): number | null {
  if (input.price === undefined) return null;
  const minor = parseMajorUnits(input.price, input.currency ?? "usd");
  // planFields refused anything else; a caller that skipped it gets a 400, not a wrong price.
  if (minor === null || minor > MAX_MINOR_UNITS) throw new ApiError("BAD_REQUEST", "Invalid price");
  return minor;
}

/** The columns a form sets: the one plan schema (lib/catalog/plan-schema.ts) applies its defaults to what is left empty. */
function columns(input: PlanFields) {
  return planColumns.parse({
    name: input.name,
    description: input.description ?? null,
    maxMachines: input.maxMachines,
    durationDays: input.durationDays ?? null,
    entitlements: input.entitlements,
    floating: input.floating,
    heartbeatSeconds: input.heartbeatSeconds,
    offlineGraceDays: input.offlineGraceDays,
    reminderDays: input.reminderDays,
    expirationStrategy: input.expirationStrategy,
    stripePriceId: input.stripePriceId ?? null,
    priceCents: priceInMinorUnits(input),
    currency: input.currency,
    billingInterval: input.billingInterval ?? null,
    sortOrder: input.sortOrder,
    lemonSqueezyVariantId: input.lemonSqueezyVariantId ?? null,
    trialDays: input.trialDays ?? null,
  }) satisfies Partial<Plan>;
}

const planNotFound = () => new ApiError("NOT_FOUND", "The plan does not exist.");

/**
 * Locks the plan row before it is read for a change, so concurrent saves apply one
 * after the other (each sees the other's result, only a real change is audited)
 * and one that comes after a deletion finds no plan. NO KEY UPDATE: licenses may
 * still be issued on it meanwhile (they take KEY SHARE).
 */
async function lockPlan(tx: Prisma.TransactionClient, id: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM plans WHERE id = ${id}::uuid FOR NO KEY UPDATE`;
  if (rows.length === 0) throw planNotFound();
}

function conflict(error: unknown, input: { slug?: string; stripePriceId?: string }): never {
  if (!isUniqueViolation(error)) throw error;
  const stripe = uniqueViolationTarget(error).includes("stripe");
  const what = stripe ? `Stripe price "${input.stripePriceId}"` : `plan slug "${input.slug}"`;
  const message = `The ${what} is already in use (plan slugs are unique across all products).`;
  // The issue names the field, so the console shows the message beside it.
  throw new ApiError("CONFLICT", message, { issues: [{ path: [stripe ? "stripePriceId" : "slug"], message: "Already in use." }] });
}

export async function createPlan(admin: ConsoleAdmin, input: z.output<typeof createPlanInput>, ip: string | null): Promise<ActionResult> {
  try {
    const plan = await prisma().$transaction(async (tx) => {
      const product = await tx.product.findUnique({ where: { id: input.productId }, select: { slug: true } });
      if (!product) throw new ApiError("NOT_FOUND", "The product does not exist.");
      const data = columns(input);
      const created = await tx.plan.create({ data: { ...data, slug: input.slug, productId: input.productId } });
      await writeAudit(tx, {
        actor: adminActor(admin),
        action: "plan.create",
        target: { type: "plan", id: created.id },
        ip,
        data: { product: product.slug, slug: created.slug, ...data },
      });
      return created;
    });
    return { ok: true, message: `Plan ${plan.name} created.`, redirectTo: `/admin/plans/${plan.id}` };
  } catch (error) {
    conflict(error, input);
  }
}

export async function updatePlan(admin: ConsoleAdmin, input: PlanFields & { planId: string }, ip: string | null): Promise<ActionResult> {
  try {
    const changed = await changePlan(adminActor(admin), input.planId, () => columns(input), ip);
    // Seats, duration and features apply to the plan's licenses at their next validation.
    return { ok: true, message: changed ? "Plan saved. Its licenses follow the new seats and features from their next check." : "Nothing changed." };
  } catch (error) {
    conflict(error, input);
  }
}

/**
 * Gives the plan `planId` the columns `after(before)` computes from its current
 * row (read under the plan's lock, so concurrent changes apply one after the
 * other), audited as `plan.update` with only what changed. A change of floating
 * mode sets or clears its licenses' machines' heartbeat deadlines in the same
 * transaction. The console's plan form and the admin API's PATCH /plans/{slug}
 * both end here. Returns false when nothing changed (nothing is written).
 * Throws ApiError NOT_FOUND for no such plan; a taken Stripe price is
 * PostgreSQL's unique violation, for the caller to word.
 */
export async function changePlan(actor: Actor, planId: string, after: (before: Plan) => PlanColumns, ip: string | null): Promise<boolean> {
  return prisma().$transaction(async (tx) => {
    await lockPlan(tx, planId);
    const before = await tx.plan.findUniqueOrThrow({ where: { id: planId } });
    const next = after(before);
    const changes: Record<string, { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null }> = {};
    for (const field of Object.keys(next) as (keyof PlanColumns)[]) {
      if (JSON.stringify(before[field]) !== JSON.stringify(next[field])) changes[field] = { from: before[field], to: next[field] };
    }
    if (Object.keys(changes).length === 0) return false;
    if (changes.floating) {
      // Every license of the plan is locked (as activation locks one) so no machine is
      // added under the old mode while the deadlines are set for the new one.
      await tx.$queryRaw`SELECT id FROM licenses WHERE plan_id = ${planId}::uuid ORDER BY id FOR UPDATE`;
      await applyFloatingChange(tx, { planId }, { from: before, to: next }, new Date());
    }
    await tx.plan.update({ where: { id: planId }, data: next });
    await writeAudit(tx, { actor, action: "plan.update", target: { type: "plan", id: planId }, ip, data: { changes } });
    return true;
  });
}

export async function setPlanArchived(admin: ConsoleAdmin, input: { planId: string; archived: boolean }, ip: string | null): Promise<ActionResult> {
  const changed = await prisma().$transaction(async (tx) => {
    await lockPlan(tx, input.planId);
    const before = await tx.plan.findUniqueOrThrow({ where: { id: input.planId }, select: { archivedAt: true } });
    if ((before.archivedAt !== null) === input.archived) return false;
    await tx.plan.update({ where: { id: input.planId }, data: { archivedAt: input.archived ? new Date() : null } });
    await writeAudit(tx, {
      actor: adminActor(admin),
      action: input.archived ? "plan.archive" : "plan.restore",
      target: { type: "plan", id: input.planId },
      ip,
    });
    return true;
  });
  const what = input.archived ? "archived: off sale; its licenses keep working" : "restored: on sale again";
  return { ok: true, message: changed ? `Plan ${what}.` : "Nothing changed." };
}

export const deletePlanInput = z.object({ planId: id, confirm: confirmed });

/**
 * Only a plan no license was ever issued on: a license's plan is its terms. The
 * plan row is locked first; issuing a license takes a key-share lock on it
 * (the foreign key), so a license cannot appear between the count and the delete,
 * and the RESTRICT foreign key stands behind that.
 */
export async function deletePlan(admin: ConsoleAdmin, input: { planId: string }, ip: string | null): Promise<ActionResult> {
  await prisma().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ slug: string }[]>`SELECT slug FROM plans WHERE id = ${input.planId}::uuid FOR UPDATE`;
    const plan = locked[0];
    if (!plan) throw planNotFound();
    const licenses = await tx.license.count({ where: { planId: input.planId } });
    if (licenses > 0) {
      throw new ApiError("CONFLICT", `The plan has ${licenses} license${licenses === 1 ? "" : "s"}: archive it instead, it can never be deleted.`);
    }
    await tx.plan.delete({ where: { id: input.planId } });
    await writeAudit(tx, { actor: adminActor(admin), action: "plan.delete", target: { type: "plan", id: input.planId }, ip, data: { slug: plan.slug } });
  });
  return { ok: true, message: "Plan deleted.", redirectTo: "/admin/products" };
}
