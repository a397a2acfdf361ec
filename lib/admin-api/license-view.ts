// How the admin API reads and shows licenses. The numbers people act on (status,
// seats, active machines) come from lib/licensing/decision.ts, the same code the
// client endpoints decide with, so the admin view never disagrees with what a
// customer's application is told.
import { licenseSnapshot, type LicenseRowWithPlan } from "../licensing/snapshot";
import type { Machine, Prisma } from "../generated/prisma/client";
import { activeMachines, effectiveStatus, type LicenseSnapshot, type MachineSnapshot } from "../licensing/decision";

type Tx = Prisma.TransactionClient;

export const LICENSE_INCLUDE = {
  user: { select: { email: true } },
  plan: {
    select: {
      slug: true,
      maxMachines: true,
      floating: true,
      heartbeatSeconds: true,
      entitlements: true,
      offlineGraceDays: true,
      product: { select: { slug: true } },
    },
  },
} satisfies Prisma.LicenseInclude;

export type LicenseRow = Prisma.LicenseGetPayload<{ include: typeof LICENSE_INCLUDE }>;

export type AdminLicense = {
  id: string;
  email: string;
  product: string;
  plan: string;
  status: LicenseSnapshot["status"];
  expiresAt: string | null;
  keyHint: string;
  maxMachines: number;
  activeMachines: number;
  createdAt: string;
  /** A free trial (the pricing page's or a Stripe subscription's): buying a plan converts it, same key. */
  trial: boolean;
  /** When the trial ends (its expiry, ISO 8601); null for a license that is not a trial. */
  trialEndsAt: string | null;
};

export type AdminMachine = {
  id: string;
  fingerprint: string;
  name: string | null;
  platform: string | null;
  activatedAt: string;
  lastSeenAt: string;
  heartbeatDeadline: string | null;
  deactivatedAt: string | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL would reject a malformed uuid with an error; to a caller it is simply not found. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** What adminLicense reads of a license row: a Prisma row with LICENSE_INCLUDE, or the same fields read by SQL (lib/webhooks). */
export type AdminLicenseSource = LicenseRowWithPlan & { user: { email: string }; keyHint: string; createdAt: Date; trial: boolean };

/** The list item; `machines` may include deactivated rows, which hold no seat. */
export function adminLicense(row: AdminLicenseSource, machines: MachineSnapshot[], now: Date): AdminLicense {
  const license = licenseSnapshot(row);
  return {
    id: row.id,
    email: row.user.email,
    product: license.product,
    plan: license.plan,
    status: effectiveStatus(license, now),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    keyHint: row.keyHint,
    maxMachines: license.maxMachines,
    activeMachines: activeMachines(license, machines, now).length,
    createdAt: row.createdAt.toISOString(),
    trial: row.trial,
    // A trial license ends when it expires (lib/licensing/trials.ts, and a Stripe trial's end).
    trialEndsAt: row.trial ? (row.expiresAt?.toISOString() ?? null) : null,
  };
}

/** Unlike the client API's machine object, admins also see platform and deactivation. */
export function adminMachine(machine: Pick<Machine, keyof AdminMachine>): AdminMachine {
  return {
    id: machine.id,
    fingerprint: machine.fingerprint,
    name: machine.name,
    platform: machine.platform,
    activatedAt: machine.activatedAt.toISOString(),
    lastSeenAt: machine.lastSeenAt.toISOString(),
    heartbeatDeadline: machine.heartbeatDeadline?.toISOString() ?? null,
    deactivatedAt: machine.deactivatedAt?.toISOString() ?? null,
  };
}

/** GET /licenses/{id}'s body, or null when there is no such license. */
export async function loadLicenseDetail(
  tx: Tx,
  id: string,
  now: Date,
): Promise<{ license: AdminLicense; machines: AdminMachine[] } | null> {
  const row = await tx.license.findUnique({
    where: { id },
    include: { ...LICENSE_INCLUDE, machines: { orderBy: [{ activatedAt: "asc" }, { id: "asc" }] } },
  });
  if (!row) return null;
  return { license: adminLicense(row, row.machines, now), machines: row.machines.map(adminMachine) };
}

/** Takes the per-license lock that activation also takes, so seat counts stay consistent. */
export async function lockLicense(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM licenses WHERE id = ${id}::uuid FOR UPDATE`;
  return rows.length > 0;
}
