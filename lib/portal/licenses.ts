// What a signed-in customer may see of their licenses. Every function takes the
// user id and only ever returns that user's rows: authorization lives in the
// query, not in the page that calls it.
import { renewsAutomatically } from "../email/messages";
import { licenseSnapshot } from "../licensing/snapshot";
import { prisma } from "../db/client";
import { activeMachines, effectiveStatus, seatHolders, type LicenseSnapshot, type MachineSnapshot } from "../licensing/decision";
import { decryptLicenseKey, maskLicenseKey } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { featuresOf } from "../storefront/entitlement-names";
import { parseId } from "./ids";
import { offlineAvailability, portalMachine, type OfflineAvailability, type PortalMachine } from "./license-view";

const licenseInclude = {
  plan: { include: { product: { include: { entitlementNames: true } } } },
  machines: { orderBy: { activatedAt: "asc" as const } },
};

type LicenseRow = NonNullable<Awaited<ReturnType<typeof findOwned>>>;

/** The filter for "this license of this user"; null when either id is not an id (then nothing is theirs). */
function ownedWhere(userId: string, licenseId: string): { id: string; userId: string } | null {
  const id = parseId(licenseId);
  return id && parseId(userId) ? { id, userId } : null;
}

/** The license if it is this user's; null for anyone else's and for ids that are not ids. */
export function findOwned(userId: string, licenseId: string) {
  const where = ownedWhere(userId, licenseId);
  if (!where) return Promise.resolve(null);
  return prisma().license.findFirst({ where, include: licenseInclude });
}

export function snapshot(row: LicenseRow): { license: LicenseSnapshot; machines: MachineSnapshot[] } {
  return {
    license: licenseSnapshot(row),
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
  /** the entitlements by the names the vendor gave them (console → product), in the plan's order */
  features: string[];
  maskedKey: string;
  stripeSubscriptionId: string | null;
  /** why it is suspended or ended ("payment_failed", "past_due", "unpaid", "dispute", "canceled", …) */
  statusReason: string | null;
  /** a subscription that renews by itself: expiresAt is its next renewal ("Renews on") */
  renews: boolean;
  /** a subscription set to end at its period's end ("Ends on", and Resume is offered) */
  cancelAtPeriodEnd: boolean;
  /** a free trial: ends at expiresAt unless a plan is bought (lib/licensing/trials.ts) */
  trial: boolean;
};

export type LicenseDetail = LicenseSummary & {
  productSlug: string;
  heartbeatSeconds: number;
  /** machines that are not deactivated (on floating plans, those that missed a heartbeat too) */
  machines: PortalMachine[];
  /** deactivated machines, most recent first */
  history: PortalMachine[];
  offline: OfflineAvailability;
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
    features: featuresOf(license.entitlements, new Map(row.plan.product.entitlementNames.map((n) => [n.code, n.name]))).map((f) => f.name),
    maskedKey: maskLicenseKey(decryptLicenseKey(row.keyCiphertext, runtimeKeys().aesKey)),
    stripeSubscriptionId: row.stripeSubscriptionId,
    statusReason: row.statusReason,
    renews: renewsAutomatically(row),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd && row.status !== "EXPIRED" && row.status !== "REVOKED",
    trial: row.trial,
  };
}

export async function listLicensesForUser(userId: string, now = new Date()): Promise<LicenseSummary[]> {
  if (!parseId(userId)) return [];
  const rows = await prisma().license.findMany({ where: { userId }, include: licenseInclude, orderBy: { createdAt: "desc" } });
  return rows.map((r) => summarize(r, now));
}

/** The license page's data; null when the license is not this user's. */
export async function getLicenseForUser(userId: string, licenseId: string, now = new Date()): Promise<LicenseDetail | null> {
  const row = await findOwned(userId, licenseId);
  if (!row) return null;
  const { license, machines } = snapshot(row);
  const seated = new Set(seatHolders(license, machines, now).map((m) => m.id));
  const all = machines.map((m) => portalMachine(m, license, seated, now));
  const current = all.filter((m) => m.deactivatedAt === null);
  const history = all
    .filter((m) => m.deactivatedAt !== null)
    .sort((a, b) => b.deactivatedAt!.getTime() - a.deactivatedAt!.getTime());
  return {
    ...summarize(row, now),
    productSlug: license.product,
    heartbeatSeconds: license.heartbeatSeconds,
    machines: current,
    history,
    offline: offlineAvailability(license, current, now),
  };
}

/** Cheap ownership check, for gates that must decide before anything is streamed. */
export async function ownsLicense(userId: string, licenseId: string): Promise<boolean> {
  const where = ownedWhere(userId, licenseId);
  return where !== null && (await prisma().license.count({ where })) > 0;
}

/** The clear key, for its owner only; null when the license is not theirs. */
export async function revealKeyForUser(userId: string, licenseId: string): Promise<string | null> {
  const where = ownedWhere(userId, licenseId);
  if (!where) return null;
  const row = await prisma().license.findFirst({ where, select: { keyCiphertext: true } });
  return row ? decryptLicenseKey(row.keyCiphertext, runtimeKeys().aesKey) : null;
}
