// Changes an admin makes to a license from the console: status, expiry, plan,
// seats. The admin API's PATCH does the same but only through a JSON request
// and without the console's rules (a revoked license stays revoked; extend by
// days from the current expiry), so this mirrors its core: the license row is
// locked (SELECT ... FOR UPDATE, the lock activation takes), the change is
// computed from the locked row, and only a real change is written, with its
// audit entry in the same transaction and in the API's shape
// ("license.update" with {changes: {field: {from, to}}}).
import { lockLicense } from "../admin-api/license-view";
import { lockPlanForLicense } from "../licensing/issue";
import { applyFloatingChange } from "../licensing/seat-changes";
import { writeAudit } from "../audit/log";
import { recordLicenseChanges } from "../webhooks/record";
import { prisma } from "../db/client";
import type { License, Prisma } from "../generated/prisma/client";
import { ApiError } from "../http/errors";
import { isInstantInRange } from "../http/input";
import type { ActionResult } from "./guard";
import { adminActor, type ConsoleAdmin } from "./guard";

type Tx = Prisma.TransactionClient;
type Json = Prisma.InputJsonValue | null;
type Change = { from: Json; to: Json };
type Plan = { slug: string; name: string; floating: boolean; heartbeatSeconds: number };
type Before = License & { plan: Plan };
type Edit = { data: Prisma.LicenseUncheckedUpdateInput; changes: Record<string, Change> };

const DAY_MS = 86_400_000;
const PLAN_FIELDS = { slug: true, name: true, floating: true, heartbeatSeconds: true } as const;
const iso = (d: Date | null) => d?.toISOString() ?? null;
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "never (perpetual)");

export const licenseNotFound = () => new ApiError("NOT_FOUND", "The license does not exist.");

/** Revocation is final: the console changes nothing else about a revoked license (the page offers nothing either). */
function assertNotRevoked(before: Before): void {
  if (before.status === "REVOKED") throw new ApiError("CONFLICT", "The license is revoked: its expiry, plan and seats can no longer be changed.");
}

async function changeLicense(
  admin: ConsoleAdmin,
  licenseId: string,
  ip: string | null,
  edit: (tx: Tx, before: Before) => Promise<Edit> | Edit,
): Promise<{ changed: boolean; before: Before }> {
  return prisma().$transaction(async (tx) => {
    if (!(await lockLicense(tx, licenseId))) throw licenseNotFound();
    const before = await tx.license.findUniqueOrThrow({ where: { id: licenseId }, include: { plan: { select: PLAN_FIELDS } } });
    const { data, changes } = await edit(tx, before);
    if (Object.keys(changes).length === 0) return { changed: false, before };
    await tx.license.update({ where: { id: licenseId }, data });
    await recordLicenseChanges(tx, licenseId, changes);
    await writeAudit(tx, {
      actor: adminActor(admin),
      action: "license.update",
      target: { type: "license", id: licenseId },
      ip,
      data: { changes, via: "console" },
    });
    return { changed: true, before };
  });
}

type Status = "ACTIVE" | "SUSPENDED" | "REVOKED";

function statusEdit(before: Before, to: Status): Edit {
  if (before.status === to) return { data: {}, changes: {} };
  return {
    // As in the admin API: a manual suspension or revocation is the admin's, so a
    // later payment event (which only lifts its own "payment_failed") leaves it alone.
    data: { status: to, statusReason: to === "ACTIVE" ? null : "admin" },
    changes: { status: { from: before.status, to } },
  };
}

export async function suspendLicense(admin: ConsoleAdmin, input: { licenseId: string }, ip: string | null): Promise<ActionResult> {
  const { changed } = await changeLicense(admin, input.licenseId, ip, (_tx, before) => {
    if (before.status === "REVOKED") throw new ApiError("CONFLICT", "A revoked license cannot be suspended.");
    return statusEdit(before, "SUSPENDED");
  });
  return { ok: true, message: changed ? "License suspended: the license API now answers SUSPENDED." : "The license was already suspended." };
}

export async function reinstateLicense(admin: ConsoleAdmin, input: { licenseId: string }, ip: string | null): Promise<ActionResult> {
  const { changed } = await changeLicense(admin, input.licenseId, ip, (_tx, before) => {
    // Revocation is final in the console: that is why it asks for confirmation.
    if (before.status !== "SUSPENDED" && before.status !== "ACTIVE") {
      throw new ApiError("CONFLICT", `A ${before.status.toLowerCase()} license cannot be reinstated; only a suspended one.`);
    }
    return statusEdit(before, "ACTIVE");
  });
  return { ok: true, message: changed ? "License reinstated." : "The license was not suspended." };
}

export async function revokeLicense(admin: ConsoleAdmin, input: { licenseId: string }, ip: string | null): Promise<ActionResult> {
  const { changed } = await changeLicense(admin, input.licenseId, ip, (_tx, before) => statusEdit(before, "REVOKED"));
  return { ok: true, message: changed ? "License revoked." : "The license was already revoked." };
}

function expiryEdit(before: Before, to: Date | null): Edit {
  if (iso(before.expiresAt) === iso(to)) return { data: {}, changes: {} };
  const edit: Edit = { data: { expiresAt: to }, changes: { expiresAt: { from: iso(before.expiresAt), to: iso(to) } } };
  // A license stored as EXPIRED (its subscription ended) would stay expired whatever
  // its date says; given a future expiry it is meant to work again.
  if (before.status === "EXPIRED" && (to === null || to.getTime() > Date.now())) {
    edit.data.status = "ACTIVE";
    edit.data.statusReason = null;
    edit.changes.status = { from: "EXPIRED", to: "ACTIVE" };
  }
  return edit;
}

/** `expiresAt` null makes the license perpetual. */
export async function setLicenseExpiry(
  admin: ConsoleAdmin,
  input: { licenseId: string; expiresAt: Date | null },
  ip: string | null,
): Promise<ActionResult> {
  const { changed } = await changeLicense(admin, input.licenseId, ip, (_tx, before) => {
    assertNotRevoked(before);
    return expiryEdit(before, input.expiresAt);
  });
  return { ok: true, message: changed ? `Expiry set to ${day(input.expiresAt)}.` : "The expiry was already that." };
}

/** Adds days to the current expiry, or to now when it has passed, so an extension always gives that many days. */
export async function extendLicense(admin: ConsoleAdmin, input: { licenseId: string; days: number }, ip: string | null): Promise<ActionResult> {
  let to: Date | null = null;
  await changeLicense(admin, input.licenseId, ip, (_tx, before) => {
    assertNotRevoked(before);
    if (!before.expiresAt) throw new ApiError("CONFLICT", "The license is perpetual: there is nothing to extend.");
    // An unreadable stored expiry (NaN: ±infinity in the database) extends from now.
    const base = Math.max(before.expiresAt.getTime() || 0, Date.now());
    to = new Date(base + input.days * DAY_MS);
    if (!isInstantInRange(to)) throw new ApiError("BAD_REQUEST", "That would put the expiry past 9999-12-31; set a date instead.");
    return expiryEdit(before, to);
  });
  return { ok: true, message: `Extended by ${input.days} days, to ${day(to)}.` };
}

export async function changeLicensePlan(admin: ConsoleAdmin, input: { licenseId: string; planId: string }, ip: string | null): Promise<ActionResult> {
  let plan: Plan | null = null;
  const { changed } = await changeLicense(admin, input.licenseId, ip, async (tx, before): Promise<Edit> => {
    assertNotRevoked(before);
    // Locked, so the plan cannot be deleted between this read and the license update.
    const locked = await lockPlanForLicense(tx, { id: input.planId });
    plan = locked ? await tx.plan.findUnique({ where: { id: locked }, select: PLAN_FIELDS }) : null;
    if (!plan) throw new ApiError("BAD_REQUEST", "That plan does not exist.");
    if (before.planId === input.planId) return { data: {}, changes: {} };
    // Onto or off a floating plan: heartbeat deadlines from now, or dead machines stay inactive.
    await applyFloatingChange(tx, { licenseIds: [input.licenseId] }, { from: before.plan, to: plan }, new Date());
    return { data: { planId: input.planId }, changes: { plan: { from: before.plan.slug, to: plan.slug } } };
  });
  const name = (plan as Plan | null)?.name ?? "";
  return { ok: true, message: changed ? `Moved to the ${name} plan.` : `The license is already on the ${name} plan.` };
}

/** `maxMachines` null removes the per-license override: the plan's seats apply. */
export async function changeLicenseSeats(
  admin: ConsoleAdmin,
  input: { licenseId: string; maxMachines: number | null },
  ip: string | null,
): Promise<ActionResult> {
  const { changed } = await changeLicense(admin, input.licenseId, ip, (_tx, before): Edit => {
    assertNotRevoked(before);
    if (before.maxMachines === input.maxMachines) return { data: {}, changes: {} };
    return { data: { maxMachines: input.maxMachines }, changes: { maxMachines: { from: before.maxMachines, to: input.maxMachines } } };
  });
  const seats = input.maxMachines === null ? "the plan's number of seats" : `${input.maxMachines} seats`;
  // Fewer seats than active machines: the oldest keep theirs, the newest wait (TOO_MANY_MACHINES) but are not deleted.
  return {
    ok: true,
    message: changed
      ? `The license now has ${seats}. If more machines are active, the oldest keep their seats and the rest wait for one.`
      : `The license already had ${seats}.`,
  };
}
