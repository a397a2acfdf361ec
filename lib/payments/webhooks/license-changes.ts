// What Stripe events may do to a license, and the one way they write it.
//
// Status rules:
// - A payment problem (invoice.payment_failed, subscription past_due/unpaid)
//   suspends an ACTIVE license with that reason; a later payment lifts exactly
//   those suspensions ("payment_failed", "past_due", "unpaid").
// - "admin" (set by the console), "dispute" and REVOKED are never lifted by a
//   Stripe event: only an admin reinstates them.
// - A canceled subscription expires only a license Stripe itself controls (ACTIVE
//   or payment-suspended); an admin's or a dispute's suspension stays as it is.
// - A full refund revokes whatever the status; a dispute suspends anything not revoked.
import { writeAudit } from "../../audit/log";
import type { License, LicenseStatus, Prisma } from "../../generated/prisma/client";
import { recordLicenseChanges } from "../../webhooks/record";
import type { HandlerContext } from "./context";

/** `cancelAtPeriodEnd`: the subscription ends at its period's end instead of renewing (Stripe's flag). */
export type LicensePatch = { status?: LicenseStatus; statusReason?: string | null; expiresAt?: Date | null; cancelAtPeriodEnd?: boolean };

const PAYMENT_REASONS = new Set(["payment_failed", "past_due", "unpaid"]);

function isPaymentSuspension(license: License): boolean {
  return license.status === "SUSPENDED" && PAYMENT_REASONS.has(license.statusReason ?? "");
}

/** An ACTIVE license, or one already suspended for payment (the reason follows Stripe's latest word). */
export function paymentSuspension(license: License, reason: "payment_failed" | "past_due" | "unpaid"): LicensePatch {
  return license.status === "ACTIVE" || isPaymentSuspension(license) ? { status: "SUSPENDED", statusReason: reason } : {};
}

export function reinstatement(license: License): LicensePatch {
  return isPaymentSuspension(license) ? { status: "ACTIVE", statusReason: null } : {};
}

export function cancellation(license: License): LicensePatch {
  return license.status === "ACTIVE" || isPaymentSuspension(license) ? { status: "EXPIRED", statusReason: "canceled" } : {};
}

/** Ended with its subscription: no later invoice can extend it. */
export function isCanceled(license: License): boolean {
  return license.status === "EXPIRED" && license.statusReason === "canceled";
}

/** The earlier of two expiries; null is perpetual, so it never wins. */
export function earlier(expiresAt: Date | null, other: Date): Date {
  return expiresAt && expiresAt < other ? expiresAt : other;
}

/** The later of two expiries; a perpetual license stays perpetual. */
export function later(expiresAt: Date | null, other: Date): Date | null {
  return expiresAt === null || expiresAt > other ? expiresAt : other;
}

type Change = { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null };

const json = (value: Date | string | boolean | null | undefined) => (value instanceof Date ? value.toISOString() : (value ?? null));

/**
 * Writes the fields of `patch` that differ from `license`, with an audit entry
 * naming the event; a patch that changes nothing writes nothing, so a repeated
 * effect is not audited twice. Returns the license as it now is.
 */
export async function changeLicense(ctx: HandlerContext, license: License, patch: LicensePatch): Promise<License> {
  const changes: Record<string, Change> = {};
  for (const field of ["status", "statusReason", "expiresAt", "cancelAtPeriodEnd"] as const) {
    const to = patch[field];
    if (to !== undefined && json(to) !== json(license[field])) changes[field] = { from: json(license[field]), to: json(to) };
  }
  if (Object.keys(changes).length === 0) return license;
  const updated = await ctx.tx.license.update({ where: { id: license.id }, data: patch });
  await writeAudit(ctx.tx, {
    actor: ctx.actor,
    action: "license.update",
    target: { type: "license", id: license.id },
    data: { event: ctx.event.type, changes },
  });
  // A later expiry from Stripe is a paid renewal (invoice.paid), not an edit.
  await recordLicenseChanges(ctx.tx, license.id, changes, { expiryEvent: "license.renewed" });
  return updated;
}
