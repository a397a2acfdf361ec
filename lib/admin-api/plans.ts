// POST /api/v1/admin/plans
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import type { AdminContext } from "./context";
import { isUniqueViolation, uniqueViolationTarget } from "./db-errors";
import { createPlanSchema } from "./schemas";

export async function createPlan({ req, actor }: AdminContext): Promise<ApiResponse> {
  const { product: productSlug, ...input } = parseJsonBody(req.body, createPlanSchema);
  try {
    const body = await prisma().$transaction(async (tx) => {
      const product = await tx.product.findUnique({ where: { slug: productSlug }, select: { id: true, slug: true } });
      // A reference in the body, not the resource addressed by the URL: 400, not 404 (API.md).
      if (!product) throw new ApiError("BAD_REQUEST", `Unknown product "${productSlug}"`);
      const plan = await tx.plan.create({
        data: { ...input, stripePriceId: input.stripePriceId ?? null, productId: product.id },
      });
      const body = {
        id: plan.id,
        product: product.slug,
        slug: plan.slug,
        name: plan.name,
        maxMachines: plan.maxMachines,
        durationDays: plan.durationDays,
        entitlements: plan.entitlements,
        floating: plan.floating,
        heartbeatSeconds: plan.heartbeatSeconds,
        offlineGraceDays: plan.offlineGraceDays,
        expirationStrategy: plan.expirationStrategy,
        stripePriceId: plan.stripePriceId,
      };
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
