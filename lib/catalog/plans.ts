import { prisma } from "../db/client";
import { entitlementNamesOf, featuresOf, type Feature } from "../storefront/entitlement-names";
import { formatMoney } from "./money";

export type PublicPlan = {
  slug: string;
  name: string;
  description: string | null;
  productName: string;
  productSlug: string;
  maxMachines: number;
  durationDays: number | null;
  floating: boolean;
  entitlements: string[];
  /** the entitlements with the names the vendor gave them, for people to read */
  features: Feature[];
  priceCents: number | null;
  currency: string;
  billingInterval: string | null;
  /** days of free trial offered (the trial page, lib/licensing/trials.ts); null: none */
  trialDays: number | null;
};

/** Plans on sale: not archived, of a product that is not archived, in display order. */
export async function listPublicPlans(): Promise<PublicPlan[]> {
  const plans = await prisma().plan.findMany({
    where: { archivedAt: null, product: { archivedAt: null } },
    include: { product: { select: { name: true, slug: true } } },
    orderBy: [{ product: { name: "asc" } }, { sortOrder: "asc" }, { createdAt: "asc" }],
  });
  const names = await entitlementNamesOf([...new Set(plans.map((p) => p.productId))]);
  return plans.map((p) => ({
    slug: p.slug,
    name: p.name,
    description: p.description,
    productName: p.product.name,
    productSlug: p.product.slug,
    maxMachines: p.maxMachines,
    durationDays: p.durationDays,
    floating: p.floating,
    entitlements: p.entitlements,
    features: featuresOf(p.entitlements, names.get(p.productId)),
    priceCents: p.priceCents,
    currency: p.currency,
    billingInterval: p.billingInterval,
    trialDays: p.trialDays,
  }));
}

export function formatPrice(plan: Pick<PublicPlan, "priceCents" | "currency" | "billingInterval">): string {
  if (plan.priceCents == null) return "Contact us";
  const amount = formatMoney(plan.priceCents, plan.currency);
  return plan.billingInterval ? `${amount} / ${plan.billingInterval}` : `${amount} once`;
}

/** A product on sale with its description and its plans on sale, for the storefront. */
export type PublicProduct = { slug: string; name: string; description: string | null; plans: PublicPlan[] };

/** The products that have plans on sale, in the pricing page's order, each with those plans. */
export async function listPublicProducts(): Promise<PublicProduct[]> {
  const plans = await listPublicPlans();
  const slugs = [...new Set(plans.map((p) => p.productSlug))];
  const rows = await prisma().product.findMany({ where: { slug: { in: slugs } }, select: { slug: true, name: true, description: true } });
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  return slugs.flatMap((slug) => {
    const row = bySlug.get(slug);
    return row ? [{ ...row, plans: plans.filter((p) => p.productSlug === slug) }] : [];
  });
}
