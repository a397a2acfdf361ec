// What a signed-in customer may see of their licenses. Every function takes the
// user id and only ever returns that user's rows: authorization lives in the
// query, not in the page that calls it.
import { prisma } from "../db/client";
import { activeMachines, effectiveStatus, type LicenseSnapshot, type MachineSnapshot } from "../licensing/decision";
import { decryptLicenseKey, maskLicenseKey } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";

const licenseInclude = { plan: { include: { product: true } }, machines: { orderBy: { activatedAt: "asc" as const } } };

type LicenseRow = NonNullable<Awaited<ReturnType<typeof findOwned>>>;

function findOwned(userId: string, licenseId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(licenseId)) return Promise.resolve(null);
  return prisma().license.findFirst({ where: { id: licenseId, userId }, include: licenseInclude });
}

export function snapshot(row: LicenseRow): { license: LicenseSnapshot; machines: MachineSnapshot[] } {
  return {
    license: {
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
    },
    machines: row.machines,
  };
}

export type LicenseSummary = {
  id: string;
  productName: string;
  planName: string;
  status: string;
  expiresAt: Date | null;
  seatsUsed: number;
  seatsTotal: number;
  floating: boolean;
  entitlements: string[];
  maskedKey: string;
  stripeSubscriptionId: string | null;
};

function summarize(row: LicenseRow, now: Date): LicenseSummary {
  const { license, machines } = snapshot(row);
  return {
    id: row.id,
    productName: row.plan.product.name,
    planName: row.plan.name,
    status: effectiveStatus(license, now),
    expiresAt: row.expiresAt,
    seatsUsed: activeMachines(license, machines, now).length,
    seatsTotal: license.maxMachines,
    floating: license.floating,
    entitlements: license.entitlements,
    maskedKey: maskLicenseKey(decryptLicenseKey(row.keyCiphertext, runtimeKeys().aesKey)),
    stripeSubscriptionId: row.stripeSubscriptionId,
  };
}

export async function listLicensesForUser(userId: string, now = new Date()): Promise<LicenseSummary[]> {
  const rows = await prisma().license.findMany({ where: { userId }, include: licenseInclude, orderBy: { createdAt: "desc" } });
  return rows.map((r) => summarize(r, now));
}

export async function getLicenseForUser(userId: string, licenseId: string, now = new Date()) {
  const row = await findOwned(userId, licenseId);
  if (!row) return null;
  return { summary: summarize(row, now), row, ...snapshot(row) };
}

/** The clear key, for its owner only; null when the license is not theirs. */
export async function revealKeyForUser(userId: string, licenseId: string): Promise<string | null> {
  const row = await findOwned(userId, licenseId);
  return row ? decryptLicenseKey(row.keyCiphertext, runtimeKeys().aesKey) : null;
}
