// /api/v1/admin/plans: create (POST), list (GET ?product=) and change (PATCH /plans/{slug}).
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import type { Plan } from "../generated/prisma/client";
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import type { AdminContext } from "./context";
import { isUniqueViolation, uniqueViolationTarget } from "./db-errors";
import { changePlan } from "../admin/plans";
import { planColumns, type PlanColumns } from "../catalog/plan-schema";
import { createPlanSchema, listPlansQuery, parseQuery, updatePlanSchema } from "./schemas";

/** A plan as the admin API shows it: every field of the data model but its timestamps' internals. */
export function adminPlan(plan: Plan, productSlug: string) {
  return {
    id: plan.id,
    number: plan.number,
    product: productSlug,
    slug: plan.slug,
    name: plan.name,
    description: plan.description,
    maxMachines: plan.maxMachines,
    durationDays: plan.durationDays,
    entitlements: plan.entitlements,
    floating: plan.floating,
    heartbeatSeconds: plan.heartbeatSeconds,
    offlineGraceDays: plan.offlineGraceDays,
    reminderDays: plan.reminderDays,
    stripePriceId: plan.stripePriceId,
    priceCents: plan.priceCents,
    currency: plan.currency,
    billingInterval: plan.billingInterval,
    sortOrder: plan.sortOrder,
    expirationStrategy: plan.expirationStrategy,
    lemonSqueezyVariantId: plan.lemonSqueezyVariantId,
    trialDays: plan.trialDays,
    archivedAt: plan.archivedAt?.toISOString() ?? null,
    createdAt: plan.createdAt.toISOString(),
  };
}

export async function createPlan({ req, actor }: AdminContext): Promise<ApiResponse> {
  const { product: productSlug, ...input } = parseJsonBody(req.body, createPlanSchema);
  try {
    const body = await prisma().$transaction(async (tx) => {
      const product = await tx.product.findUnique({ where: { slug: productSlug }, select: { id: true, slug: true } });
      // A reference in the body, not the resource addressed by the URL: 400, not 404 (API.md).
      if (!product) throw new ApiError("BAD_REQUEST", `Unknown product "${productSlug}"`);
      const plan = await tx.plan.create({ data: { ...input, productId: product.id } });
      const body = adminPlan(plan, product.slug);
      const { id: _id, ...data } = body;
      await writeAudit(tx, { actor, action: "plan.create", target: { type: "plan", id: plan.id }, ip: req.ip, data });
      return body;
    });
    return jsonResponse(201, body);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // stripe_price_id is unique too; say which value clashed.
    const what = uniqueViolationTarget(error).includes("stripe") ? `Stripe price "${input.stripePriceId}"` : `plan slug "${input.slug}"`;
    throw new ApiError("CONFLICT", `The ${what} is already in use`);
  }
}

/** GET /plans?product=<slug>: every plan (of that product), by product and pricing-page order. */
export async function listPlans({ req }: AdminContext): Promise<ApiResponse> {
  const query = parseQuery(req.query, listPlansQuery);
  const plans = await prisma().plan.findMany({
    where: query.product ? { product: { slug: query.product } } : {},
    include: { product: { select: { slug: true } } },
    orderBy: [{ product: { slug: "asc" } }, { sortOrder: "asc" }, { slug: "asc" }],
  });
  return jsonResponse(200, { data: plans.map((plan) => adminPlan(plan, plan.product.slug)) });
}

const planNotFound = () => new ApiError("NOT_FOUND", "The plan does not exist");

/** The plan's own columns (what a change may set), as stored. */
function columnsOf(plan: Plan): PlanColumns {
  return Object.fromEntries(Object.keys(planColumns.shape).map((key) => [key, plan[key as keyof PlanColumns]])) as PlanColumns;
}

/**
 * PATCH /plans/{slug}: changes the fields given (as the console's plan form
 * does: audited as `plan.update` with only what changed; a change of floating
 * mode moves its machines' heartbeat deadlines). 200 with the plan; 400 for no
 * field or a bad one, 404 for no such plan, 409 for a Stripe price another plan sells.
 */
export async function updatePlan({ req, actor }: AdminContext, [slug]: string[]): Promise<ApiResponse> {
  const input = parseJsonBody(req.body, updatePlanSchema);
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<PlanColumns>;
  if (Object.keys(given).length === 0) {
    throw new ApiError("BAD_REQUEST", `Nothing to change: give any of ${Object.keys(planColumns.shape).join(", ")}`);
  }
  // Slugs are a-z, 0-9 and "-": anything else (percent-escapes included) names no plan.
  const plan = slug && /^[a-z0-9-]{1,63}$/.test(slug) ? await prisma().plan.findUnique({ where: { slug }, select: { id: true } }) : null;
  if (!plan) throw planNotFound();
  try {
    await changePlan(actor, plan.id, (before) => ({ ...columnsOf(before), ...given }), req.ip);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new ApiError("CONFLICT", `The Stripe price "${given.stripePriceId}" is already in use`);
  }
  const after = await prisma().plan.findUnique({ where: { id: plan.id }, include: { product: { select: { slug: true } } } });
  // Deleted in the console between the change and this read.
  if (!after) throw planNotFound();
  return jsonResponse(200, adminPlan(after, after.product.slug));
}
