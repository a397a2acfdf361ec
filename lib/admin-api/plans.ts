// /api/v1/admin/plans: create (POST) and list (GET ?product=).
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import type { Plan } from "../generated/prisma/client";
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import type { AdminContext } from "./context";
import { isUniqueViolation, uniqueViolationTarget } from "./db-errors";
import { createPlanSchema, listPlansQuery, parseQuery } from "./schemas";

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
