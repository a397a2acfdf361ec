// Test fixtures: products, plans and licenses created the way the app creates them.
import { randomBytes } from "node:crypto";
import { prisma } from "../db/client";
import { issueLicense } from "../licensing/issue";

export type PlanInput = {
  maxMachines?: number;
  durationDays?: number | null;
  entitlements?: string[];
  floating?: boolean;
  heartbeatSeconds?: number;
  offlineGraceDays?: number;
};

export async function createPlan(input: PlanInput = {}) {
  const suffix = randomBytes(4).toString("hex");
  const product = await prisma().product.create({ data: { slug: `product-${suffix}`, name: `Product ${suffix}` } });
  return prisma().plan.create({
    data: {
      productId: product.id,
      slug: `plan-${suffix}`,
      name: `Plan ${suffix}`,
      maxMachines: input.maxMachines ?? 1,
      durationDays: input.durationDays === undefined ? null : input.durationDays,
      entitlements: input.entitlements ?? [],
      floating: input.floating ?? false,
      heartbeatSeconds: input.heartbeatSeconds ?? 600,
      offlineGraceDays: input.offlineGraceDays ?? 7,
    },
    include: { product: true },
  });
}

/** A license on a new plan; returns the clear key with the row. */
export async function createLicense(input: PlanInput & { expiresAt?: Date | null; status?: "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXPIRED"; email?: string } = {}) {
  const plan = await createPlan(input);
  const email = input.email ?? `buyer-${randomBytes(4).toString("hex")}@example.com`;
  const user = await prisma().user.upsert({ where: { email }, create: { email }, update: {} });
  const { license, key } = await prisma().$transaction((tx) =>
    issueLicense(tx, { plan, userId: user.id, expiresAt: input.expiresAt }),
  );
  if (input.status && input.status !== "ACTIVE") {
    await prisma().license.update({ where: { id: license.id }, data: { status: input.status } });
  }
  return { license, key, plan, user };
}
