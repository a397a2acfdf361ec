import { prisma } from "../db/client";
import { formatMoney } from "./money";

export type PublicPlan = {
  slug: string;
  name: string;
  description: string | null;
  productName: string;
  maxMachines: number;
  durationDays: number | null;
  floating: boolean;
  entitlements: string[];
  priceCents: number | null;
  currency: string;
  billingInterval: string | null;
};

/** Plans on sale: not archived, of a product that is not archived, in display order. */
export async function listPublicPlans(): Promise<PublicPlan[]> {
  const plans = await prisma().plan.findMany({
    where: { archivedAt: null, product: { archivedAt: null } },
    include: { product: { select: { name: true } } },
    orderBy: [{ product: { name: "asc" } }, { sortOrder: "asc" }, { createdAt: "asc" }],
  });
  return plans.map((p) => ({
    slug: p.slug,
    name: p.name,
    description: p.description,
    productName: p.product.name,
    maxMachines: p.maxMachines,
    durationDays: p.durationDays,
    floating: p.floating,
    entitlements: p.entitlements,
    priceCents: p.priceCents,
    currency: p.currency,
    billingInterval: p.billingInterval,
  }));
}

export function formatPrice(plan: Pick<PublicPlan, "priceCents" | "currency" | "billingInterval">): string {
  if (plan.priceCents == null) return "Contact us";
  const amount = formatMoney(plan.priceCents, plan.currency);
  return plan.billingInterval ? `${amount} / ${plan.billingInterval}` : `${amount} once`;
}
