import type { ExpirationStrategy, LicenseSnapshot, LicenseStatus } from "./decision";

/** The fields of a license row (with its plan and product) that the validation decision reads. */
export type LicenseRowWithPlan = {
  id: string;
  status: LicenseStatus;
  expiresAt: Date | null;
  maxMachines: number | null;
  trial?: boolean;
  plan: {
    slug: string;
    maxMachines: number;
    floating: boolean;
    heartbeatSeconds: number;
    entitlements: string[];
    offlineGraceDays: number;
    expirationStrategy?: ExpirationStrategy;
    product: { slug: string };
  };
};

/** A Prisma license row as the decision functions see it: the per-license seat override wins over the plan's. */
export function licenseSnapshot(row: LicenseRowWithPlan): LicenseSnapshot {
  return {
    id: row.id,
    status: row.status,
    expiresAt: row.expiresAt,
    product: row.plan.product.slug,
    plan: row.plan.slug,
    maxMachines: row.maxMachines ?? row.plan.maxMachines,
    floating: row.plan.floating,
    heartbeatSeconds: row.plan.heartbeatSeconds,
    entitlements: row.plan.entitlements,
    offlineGraceDays: row.plan.offlineGraceDays,
    expirationStrategy: row.plan.expirationStrategy ?? "RESTRICT",
    trial: row.trial ?? false,
  };
}
