// Reading the catalogue for the console: products with their plans and how many
// licenses each plan has (which decides whether a plan may still be deleted).
import { isUuid } from "../admin-api/license-view";
import { prisma } from "../db/client";
import type { Plan, Product } from "../generated/prisma/client";

export type PlanRow = Plan & { licenseCount: number };
export type ProductRow = Product & { plans: PlanRow[] };

const withCounts = { plans: { orderBy: [{ sortOrder: "asc" as const }, { createdAt: "asc" as const }], include: { _count: { select: { licenses: true } } } } };

function planRow(plan: Plan & { _count: { licenses: number } }): PlanRow {
  const { _count, ...rest } = plan;
  return { ...rest, licenseCount: _count.licenses };
}

export async function listProducts(): Promise<ProductRow[]> {
  const products = await prisma().product.findMany({ include: withCounts, orderBy: [{ archivedAt: { sort: "asc", nulls: "first" } }, { name: "asc" }] });
  return products.map((p) => ({ ...p, plans: p.plans.map(planRow) }));
}

export async function getProduct(id: string): Promise<ProductRow | null> {
  if (!isUuid(id)) return null;
  const product = await prisma().product.findUnique({ where: { id }, include: withCounts });
  return product && { ...product, plans: product.plans.map(planRow) };
}

export async function getPlan(id: string): Promise<(PlanRow & { product: Product }) | null> {
  if (!isUuid(id)) return null;
  const plan = await prisma().plan.findUnique({ where: { id }, include: { product: true, _count: { select: { licenses: true } } } });
  return plan && { ...planRow(plan), product: plan.product };
}

/** Plans for a select: on-sale ones first; archived ones say so. */
export async function planOptions(): Promise<{ id: string; slug: string; label: string; archived: boolean }[]> {
  const plans = await prisma().plan.findMany({ include: { product: { select: { name: true, archivedAt: true } } }, orderBy: [{ product: { name: "asc" } }, { sortOrder: "asc" }] });
  return plans
    .map((p) => {
      const archived = p.archivedAt !== null || p.product.archivedAt !== null;
      return { id: p.id, slug: p.slug, label: `${p.product.name} — ${p.name} (${p.slug})${archived ? " — archived" : ""}`, archived };
    })
    .sort((a, b) => Number(a.archived) - Number(b.archived));
}
