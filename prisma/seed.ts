// Demo data for a fresh database: one product with three plans that show each
// kind of license, a demo customer with a Pro license, and an admin. `npm start` runs it only when
// the database has no products, so it never touches a real catalogue.
import type { PrismaClient } from "../lib/generated/prisma/client";
import { issueLicense } from "../lib/licensing/issue";

export const DEMO_CUSTOMER_EMAIL = "customer@example.com";
export const DEMO_ADMIN_EMAIL = "admin@example.com";

export const DEMO_PLANS = [
  {
    slug: "demo-solo",
    name: "Solo",
    description: "One machine, yours forever.",
    maxMachines: 1,
    durationDays: null,
    entitlements: ["core"],
    floating: false,
    priceCents: 4900,
    billingInterval: null,
    stripePriceId: "price_demo_solo",
    sortOrder: 1,
    // The pricing page offers "Start free trial"; buying Solo converts the trial license.
    trialDays: 14,
  },
  {
    slug: "demo-pro-yearly",
    name: "Pro",
    description: "Three machines, every feature, renewed yearly.",
    maxMachines: 3,
    durationDays: 365,
    entitlements: ["core", "sync", "export"],
    floating: false,
    priceCents: 9900,
    billingInterval: "year",
    stripePriceId: "price_demo_pro_yearly",
    sortOrder: 2,
  },
  {
    slug: "demo-team-floating",
    name: "Team",
    description: "Ten concurrent seats shared by the whole team; machines check in every few minutes.",
    maxMachines: 10,
    durationDays: 31,
    entitlements: ["core", "sync", "export", "team"],
    floating: true,
    heartbeatSeconds: 300,
    priceCents: 29900,
    billingInterval: "month",
    stripePriceId: "price_demo_team_floating",
    sortOrder: 3,
  },
] as const;

export type SeedResult = { seeded: boolean; customerEmail: string; adminEmail: string };

export async function seedDemoData(prisma: PrismaClient): Promise<SeedResult> {
  const result = { customerEmail: DEMO_CUSTOMER_EMAIL, adminEmail: DEMO_ADMIN_EMAIL };
  if ((await prisma.product.count()) > 0) return { seeded: false, ...result };
  await prisma.$transaction(async (tx) => {
    const product = await tx.product.create({
      data: { slug: "demo-app", name: "Demo App", description: "A sample desktop application sold through the portal." },
    });
    // The storefront's words and the features' names, as a vendor would set them in the console.
    await tx.storeSettings.create({
      data: {
        id: 1,
        name: "Demo Software",
        headline: "Desktop tools that get out of your way.",
        description: "Buy once or subscribe, get your license key by email in seconds, and manage your machines yourself.",
      },
    });
    await tx.entitlementName.createMany({
      data: [
        { productId: product.id, code: "core", name: "The full editor" },
        { productId: product.id, code: "sync", name: "Cloud sync" },
        { productId: product.id, code: "export", name: "Export to PDF and HTML" },
        { productId: product.id, code: "team", name: "Shared team workspace" },
      ],
    });
    const plans = new Map<string, { id: string; durationDays: number | null }>();
    for (const plan of DEMO_PLANS) {
      plans.set(plan.slug, await tx.plan.create({ data: { ...plan, entitlements: [...plan.entitlements], productId: product.id } }));
    }
    const customer = await tx.user.create({ data: { email: DEMO_CUSTOMER_EMAIL, name: "Demo Customer" } });
    // A license to look at after signing in as the demo customer.
    await issueLicense(tx, { plan: plans.get("demo-pro-yearly")!, userId: customer.id });
    await tx.user.create({ data: { email: DEMO_ADMIN_EMAIL, name: "Demo Admin", role: "ADMIN" } });
  });
  return { seeded: true, ...result };
}
