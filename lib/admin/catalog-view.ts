// Reading the catalogue for the console: products with their plans and how many
// licenses each plan has (which decides whether a plan may still be deleted).
// The counts are the ones the database keeps (plan_license_counts, exact for
// the committed licenses), not a count of the licenses table: that took
// 200-330 ms per page view at 10⁶ licenses, and grows with them.
import { isUuid } from "../admin-api/license-view";
import { prisma } from "../db/client";
import type { Plan, Product } from "../generated/prisma/client";
import { licensesPerPlan } from "./dashboard-counters";

export type PlanRow = Plan & { licenseCount: number };
export type ProductRow = Product & { plans: PlanRow[] };

const plansInOrder = { plans: { orderBy: [{ sortOrder: "asc" as const }, { createdAt: "asc" as const }] } };

async function withLicenseCounts<P extends Product & { plans: Plan[] }>(products: P[]): Promise<(P & { plans: PlanRow[] })[]> {
  const counts = await licensesPerPlan(products.flatMap((p) => p.plans.map((plan) => plan.id)));
  return products.map((p) => ({ ...p, plans: p.plans.map((plan) => ({ ...plan, licenseCount: counts.get(plan.id) ?? 0 })) }));
}

export async function listProducts(): Promise<ProductRow[]> {
  const products = await prisma().product.findMany({ include: plansInOrder, orderBy: [{ archivedAt: { sort: "asc", nulls: "first" } }, { name: "asc" }] });
  return withLicenseCounts(products);
}

export async function getProduct(id: string): Promise<ProductRow | null> {
  if (!isUuid(id)) return null;
  const product = await prisma().product.findUnique({ where: { id }, include: plansInOrder });
  return product && (await withLicenseCounts([product]))[0]!;
}

export async function getPlan(id: string): Promise<(PlanRow & { product: Product }) | null> {
  if (!isUuid(id)) return null;
  const plan = await prisma().plan.findUnique({ where: { id }, include: { product: true } });
  if (!plan) return null;
  const counts = await licensesPerPlan([plan.id]);
  return { ...plan, licenseCount: counts.get(plan.id) ?? 0 };
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
