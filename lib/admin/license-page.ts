// Everything the console's license page shows, in one read. Status, seats and
// machines go through the admin API's view helpers (and so through
// lib/licensing/decision.ts), so the page agrees with what the license API answers.
import { adminLicense, adminMachine, isUuid, LICENSE_INCLUDE, type AdminLicense, type AdminMachine } from "../admin-api/license-view";
import { prisma } from "../db/client";
import { isMachineLive, seatHolders } from "../licensing/decision";
import { minorUnits } from "../catalog/money";
import { licenseSnapshot } from "../licensing/snapshot";
// The portal's label, so an admin and the customer call a machine the same.
import { machineLabel } from "../portal/license-view";
import { auditRow, type AuditRow } from "./audit-view";

const RECENT_VALIDATIONS = 25;
const AUDIT_ENTRIES = 50;

/** `waitsForSeat`: live, but past the license's seats (they or the plan changed), so it validates TOO_MANY_MACHINES. */
export type ConsoleMachine = AdminMachine & { label: string; hostname: string | null; holdsSeat: boolean; waitsForSeat: boolean };

export type LicensePage = {
  license: AdminLicense & { storedStatus: string; statusReason: string | null; seatOverride: number | null };
  owner: { id: string; email: string; name: string | null };
  plan: { id: string; slug: string; name: string; maxMachines: number; floating: boolean; entitlements: string[] };
  product: { id: string; slug: string; name: string };
  machines: ConsoleMachine[];
  validations: { id: string; at: Date; endpoint: string; code: string; fingerprint: string | null; ip: string | null }[];
  stripe: { customerId: string | null; subscriptionId: string | null; checkoutSessionId: string | null; paymentIntentId: string | null };
  payments: { id: string; amountCents: number; currency: string; createdAt: Date; checkoutSessionId: string | null; invoiceId: string | null }[];
  audit: AuditRow[];
};

export async function loadLicensePage(id: string, now = new Date()): Promise<LicensePage | null> {
  if (!isUuid(id)) return null;
  const row = await prisma().license.findUnique({
    where: { id },
    include: {
      ...LICENSE_INCLUDE,
      user: { select: { id: true, email: true, name: true } },
      plan: { include: { product: true } },
      machines: { orderBy: [{ activatedAt: "asc" }, { id: "asc" }] },
      events: { orderBy: [{ at: "desc" }, { id: "desc" }], take: RECENT_VALIDATIONS },
      payments: { orderBy: { createdAt: "desc" } },
    },
  });
  if (!row) return null;

  // The license's own entries, and those about its machines and payments.
  const audit = await prisma().auditLog.findMany({
    where: {
      OR: [
        { targetType: "license", targetId: id },
        { targetType: "machine", targetId: { in: row.machines.map((m) => m.id) } },
        { targetType: "payment", targetId: { in: row.payments.map((p) => p.id) } },
      ],
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: AUDIT_ENTRIES,
  });

  const snapshot = licenseSnapshot(row);
  const seated = new Set(seatHolders(snapshot, row.machines, now).map((m) => m.id));
  return {
    license: {
      ...adminLicense(row, row.machines, now),
      storedStatus: row.status,
      statusReason: row.statusReason,
      seatOverride: row.maxMachines,
    },
    owner: row.user,
    plan: {
      id: row.plan.id,
      slug: row.plan.slug,
      name: row.plan.name,
      maxMachines: row.plan.maxMachines,
      floating: row.plan.floating,
      entitlements: row.plan.entitlements,
    },
    product: { id: row.plan.product.id, slug: row.plan.product.slug, name: row.plan.product.name },
    machines: row.machines.map((m) => ({
      ...adminMachine(m),
      label: machineLabel(m),
      hostname: m.hostname,
      holdsSeat: seated.has(m.id),
      waitsForSeat: !seated.has(m.id) && isMachineLive(m, snapshot, now),
    })),
    validations: row.events.map((e) => ({ id: e.id.toString(), at: e.at, endpoint: e.endpoint, code: e.code, fingerprint: e.fingerprint, ip: e.ip })),
    stripe: {
      customerId: row.stripeCustomerId,
      subscriptionId: row.stripeSubscriptionId,
      checkoutSessionId: row.stripeCheckoutSessionId,
      paymentIntentId: row.stripePaymentIntentId,
    },
    payments: row.payments.map((p) => ({
      id: p.id,
      amountCents: minorUnits(p.amountCents),
      currency: p.currency,
      createdAt: p.createdAt,
      checkoutSessionId: p.stripeCheckoutSessionId,
      invoiceId: p.stripeInvoiceId,
    })),
    audit: audit.map(auditRow),
  };
}
