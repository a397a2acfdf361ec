// What Stripe events do to a license's plan and seats (lib/payments/upgrades.ts
// starts them): a paid upgrade or trial conversion (checkout.session.completed with
// `metadata.license`) and a subscription's changed item (customer.subscription.updated).
// The license row is locked by the caller; the change, its floating-mode
// consequences for the machines, its audit entry and its license.updated webhook
// event are written in the event's transaction, and only what differs is written,
// so a repeated event changes nothing.
import type Stripe from "stripe";
import { z } from "zod";
import { writeAudit } from "../../audit/log";
import type { License, Plan, Prisma } from "../../generated/prisma/client";
import { defaultExpiry, lockPlanForLicense } from "../../licensing/issue";
import { applyFloatingChange } from "../../licensing/seat-changes";
import { recordLicenseChanges } from "../../webhooks/record";
import type { HandlerContext } from "./context";
import { subscriptionPeriodEnd } from "./stripe-objects";

type Change = { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null };

export type PlanMove = {
  /** the plan to move to; absent: unchanged */
  plan?: Plan;
  /** the per-license seat override to set (null: the plan's own seats); absent: unchanged */
  maxMachines?: number | null;
  /** a purchase ends a trial */
  endTrial?: boolean;
  /** a purchase gives a new term: set when it changes the expiry */
  expiresAt?: Date | null;
  /** an ended (EXPIRED) trial that is bought works again */
  reactivate?: boolean;
  stripe?: { subscriptionId?: string | null; customerId?: string | null };
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Moves `license` as `move` says, in `ctx.tx`, audited with the event's type and `details`.
 * Returns the license as it now is (unchanged when nothing differs).
 */
export async function moveLicense(ctx: HandlerContext, license: License, move: PlanMove, details: Record<string, string> = {}): Promise<License> {
  const data: Prisma.LicenseUncheckedUpdateInput = {};
  const changes: Record<string, Change> = {};
  if (move.plan && move.plan.id !== license.planId) {
    // Locked against a concurrent deletion, as every issue or move onto a plan does.
    await lockPlanForLicense(ctx.tx, { id: move.plan.id });
    const from = await ctx.tx.plan.findUniqueOrThrow({ where: { id: license.planId } });
    await applyFloatingChange(ctx.tx, { licenseIds: [license.id] }, { from, to: move.plan }, ctx.now);
    data.planId = move.plan.id;
    changes.plan = { from: from.slug, to: move.plan.slug };
  }
  if (move.maxMachines !== undefined && move.maxMachines !== license.maxMachines) {
    data.maxMachines = move.maxMachines;
    changes.maxMachines = { from: license.maxMachines, to: move.maxMachines };
  }
  if (move.endTrial && license.trial) {
    data.trial = false;
    changes.trial = { from: true, to: false };
  }
  if (move.expiresAt !== undefined && iso(move.expiresAt) !== iso(license.expiresAt)) {
    data.expiresAt = move.expiresAt;
    changes.expiresAt = { from: iso(license.expiresAt), to: iso(move.expiresAt) };
  }
  if (move.reactivate && license.status === "EXPIRED") {
    data.status = "ACTIVE";
    data.statusReason = null;
    changes.status = { from: "EXPIRED", to: "ACTIVE" };
  }
  if (move.stripe?.subscriptionId && move.stripe.subscriptionId !== license.stripeSubscriptionId) {
    data.stripeSubscriptionId = move.stripe.subscriptionId;
    data.stripeCustomerId = move.stripe.customerId ?? license.stripeCustomerId;
  }
  if (Object.keys(data).length === 0) return license;
  const updated = await ctx.tx.license.update({ where: { id: license.id }, data });
  if (Object.keys(changes).length > 0) {
    await writeAudit(ctx.tx, {
      actor: ctx.actor,
      action: "license.update",
      target: { type: "license", id: license.id },
      data: { event: ctx.event.type, ...details, changes },
    });
    await recordLicenseChanges(ctx.tx, license.id, changes, { now: ctx.now });
  }
  return updated;
}

/** The term a purchase of `plan` gives from `now`: the plan's duration, never shorter than what is left (null: perpetual). */
export function purchasedTerm(license: License, plan: Plan, now: Date): Date | null {
  const term = defaultExpiry(plan.durationDays, now);
  if (term === null) return null;
  return license.expiresAt && license.expiresAt > term && !license.trial ? license.expiresAt : term;
}

/**
 * customer.subscription.updated: when the event says the subscription's items changed
 * (`previous_attributes.items`: a plan or quantity change, from the portal or Stripe's dashboard),
 * the license takes the plan and seats of the new item; when a Stripe trial turned into a paid
 * subscription (status active), the license stops being a trial. Other updates (a renewal, a
 * cancellation request) leave plan and seats alone, so an admin's seat override stands.
 */
export async function applySubscriptionItem(ctx: HandlerContext, license: License, subscription: Stripe.Subscription): Promise<License> {
  const itemsChanged = ctx.previousAttributes !== null && "items" in ctx.previousAttributes;
  const trialEnded = license.trial && subscription.status === "active";
  if (!itemsChanged && !trialEnded) return license;
  const terms = itemsChanged ? await subscriptionTerms(ctx, subscription) : null;
  const restarted = itemsChanged ? restartedPeriodEnd(ctx, subscription, license) : null;
  return moveLicense(ctx, license, { ...(terms ?? {}), endTrial: trialEnded, ...(restarted ? { expiresAt: restarted } : {}) }, { subscription: subscription.id });
}

/** The part of `previous_attributes.items` read here: the item's period end before the change (unix seconds). */
const previousItems = z.looseObject({ data: z.array(z.looseObject({ current_period_end: z.number().nullish() })) });

/**
 * The new period's end when an item change restarted the billing period, else null. Stripe starts a
 * new period at once when a plan of another interval replaces the item (yearly → monthly): the license
 * then runs to that period's end, so "Renews on" and the renewal emails name Stripe's next charge
 * instead of the old plan's (a yearly license moved to monthly would say "Renews on" eleven months
 * late). A change within the period (more seats, a plan of the same interval) keeps the period, and
 * the expiry (an admin's extension stands). A perpetual license (no expiry) stays so.
 */
function restartedPeriodEnd(ctx: HandlerContext, subscription: Stripe.Subscription, license: License): Date | null {
  if (license.expiresAt === null || subscription.status === "canceled") return null;
  const before = previousItems.safeParse(ctx.previousAttributes?.items);
  const previousEnd = before.success ? before.data.data[0]?.current_period_end : undefined;
  const end = subscriptionPeriodEnd(subscription);
  if (typeof previousEnd !== "number" || end === null || end.getTime() === previousEnd * 1000) return null;
  return end;
}

/**
 * The plan and seat override a subscription's item stands for: the plan whose Stripe price the item
 * has, and `quantity` × its machines (null for one unit: the plan's own seats). Null when the price is
 * no plan's (a change made in Stripe's dashboard to a price the portal does not sell).
 */
async function subscriptionTerms(ctx: HandlerContext, subscription: Stripe.Subscription): Promise<{ plan: Plan; maxMachines: number | null } | null> {
  const item = subscription.items.data[0];
  if (!item) return null;
  const plan = await ctx.tx.plan.findUnique({ where: { stripePriceId: item.price.id } });
  if (!plan) return null;
  const quantity = item.quantity ?? 1;
  return { plan, maxMachines: quantity > 1 ? quantity * plan.maxMachines : null };
}
