// /api/v1/admin/licenses: issue, list, show, update, and free a machine's seat.
import { writeAudit } from "../audit/log";
import { recordLicenseChanges, recordMachineEvent } from "../webhooks/record";
import { accountByEmail } from "../auth/account-by-email";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import { licenseBody } from "../licensing/decision";
import { issueLicense, lockPlanForLicense } from "../licensing/issue";
import { decryptLicenseKey } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { applyFloatingChange } from "../licensing/seat-changes";
import { moveLicenseToAddress } from "../licensing/owner";
import { licenseSnapshot } from "../licensing/snapshot";
import type { AdminContext } from "./context";
import { isUniqueViolation, uniqueViolationTarget } from "./db-errors";
import { claimIdempotencyKey, idempotencyKeyOf } from "./idempotency";
import { COUNT_CAP } from "../admin/paging";
import { NEWEST_FIRST, planWhere } from "../admin/license-search";
import { adminLicense, adminMachine, isUuid, LICENSE_INCLUDE, loadLicenseDetail, lockLicense } from "./license-view";
import { createLicenseSchema, listLicensesQuery, parseQuery, updateLicenseSchema } from "./schemas";

type Tx = Prisma.TransactionClient;

const licenseNotFound = () => new ApiError("NOT_FOUND", "The license does not exist");

async function planBySlug(tx: Tx, slug: string) {
  // Locked, so the plan cannot be deleted between this read and the license write.
  const id = await lockPlanForLicense(tx, { slug });
  const plan = id ? await tx.plan.findUnique({ where: { id }, include: { product: { select: { slug: true } } } }) : null;
  // Named in the body, not addressed by the URL: 400 per API.md, not 404.
  if (!plan) throw new ApiError("BAD_REQUEST", `Unknown plan "${slug}"`);
  return plan;
}

/**
 * Issues a license. With an Idempotency-Key, a retry of the same request answers
 * 201 with the license the first one created (and its key), marked
 * `Idempotent-Replayed: true`, instead of issuing another.
 */
export async function createLicense({ req, actor }: AdminContext): Promise<ApiResponse> {
  const input = parseJsonBody(req.body, createLicenseSchema);
  const idempotencyKey = idempotencyKeyOf(req.headers);
  const now = new Date();
  // User, license, audit entry and idempotency key commit together or not at all.
  const issue = () =>
    prisma().$transaction(async (tx) => {
      const claim = idempotencyKey === undefined ? undefined : await claimIdempotencyKey(tx, actor, idempotencyKey, input, now);
      if (claim?.licenseId) return { licenseId: claim.licenseId, replayed: true };
      const plan = await planBySlug(tx, input.plan);
      const user = await accountByEmail(tx, input.email);
      const { license } = await issueLicense(tx, {
        plan,
        userId: user.id,
        expiresAt: input.expiresAt,
        maxMachines: input.maxMachines ?? null,
        key: input.key,
        createdAt: input.createdAt,
        now,
      });
      await writeAudit(tx, {
        actor,
        // A key brought from another system is an import (API.md): the log says so.
        action: input.key === undefined ? "license.create" : "license.import",
        target: { type: "license", id: license.id },
        ip: req.ip,
        // Never the key itself: the audit log is read by every admin, for years.
        data: {
          plan: plan.slug,
          email: input.email,
          expiresAt: license.expiresAt?.toISOString() ?? null,
          maxMachines: license.maxMachines,
          keyHint: license.keyHint,
          ...(input.createdAt ? { createdAt: license.createdAt.toISOString() } : {}),
        },
      });
      await claim?.remember(license.id);
      return { licenseId: license.id, replayed: false };
    });
  let issued: { licenseId: string; replayed: boolean };
  try {
    issued = await issue();
  } catch (error) {
    // Only a given key can collide: a generated one has 100 bits of entropy.
    if (input.key !== undefined && isUniqueViolation(error) && uniqueViolationTarget(error).includes("key_hash")) {
      throw new ApiError("CONFLICT", "A license with this key exists already");
    }
    throw error;
  }
  const { licenseId, replayed } = issued;

  // The answer is read back from what was stored, so a first answer and a replay are built alike.
  const row = await prisma().license.findUnique({
    where: { id: licenseId },
    include: { ...LICENSE_INCLUDE, machines: { where: { deactivatedAt: null } } },
  });
  if (!row) throw licenseNotFound(); // deleted in the meantime
  const key = decryptLicenseKey(row.keyCiphertext, runtimeKeys().aesKey);
  const body = { id: row.id, key, license: licenseBody(licenseSnapshot(row), row.machines, now) };
  return jsonResponse(201, body, replayed ? { "Idempotent-Replayed": "true" } : {});
}

/** Filters on the effective status: an ACTIVE license past its expiry is EXPIRED (decision.ts). */
export function statusWhere(status: "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXPIRED", now: Date): Prisma.LicenseWhereInput {
  switch (status) {
    case "ACTIVE":
      return { status: "ACTIVE", OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
    case "EXPIRED":
      return { OR: [{ status: "EXPIRED" }, { status: "ACTIVE", expiresAt: { lte: now } }] };
    default:
      return { status };
  }
}

export async function listLicenses({ req }: AdminContext): Promise<ApiResponse> {
  const query = parseQuery(req.query, listLicensesQuery);
  const now = new Date();
  const filters: Prisma.LicenseWhereInput[] = [];
  // Exact equality of the identity form (the schema normalised it): never a pattern.
  if (query.email) filters.push({ user: { email: query.email } });
  if (query.plan) filters.push(await planWhere(query.plan));
  if (query.status) filters.push(statusWhere(query.status, now));
  const where: Prisma.LicenseWhereInput = { AND: filters };

  // Not one transaction: Prisma runs an include's queries concurrently, which a
  // transaction's single connection only tolerates with a pg deprecation warning;
  // a total off by a concurrent insert is harmless. Deactivated machines hold no seat: not loaded.
  const [rows, total] = await Promise.all([
    prisma().license.findMany({
      where,
      include: { ...LICENSE_INCLUDE, machines: { where: { deactivatedAt: null } } },
      orderBy: NEWEST_FIRST,
      take: query.limit,
      skip: query.offset,
    }),
    prisma().license.count({ where, orderBy: NEWEST_FIRST, take: COUNT_CAP + 1 }),
  ]);
  const data = rows.map((row) => adminLicense(row, row.machines, now));
  // Counted up to COUNT_CAP (lib/admin/paging.ts): an exact count of a million rows is a scan of them all.
  return jsonResponse(200, total > COUNT_CAP ? { data, total: COUNT_CAP, totalCapped: true } : { data, total });
}

export async function getLicense(_ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  if (!id || !isUuid(id)) throw licenseNotFound();
  const detail = await loadLicenseDetail(prisma(), id, new Date());
  if (!detail) throw licenseNotFound();
  return jsonResponse(200, detail);
}

type Change = { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null };

export async function updateLicense({ req, actor }: AdminContext, [id]: string[]): Promise<ApiResponse> {
  const input = parseJsonBody(req.body, updateLicenseSchema);
  if (Object.values(input).every((value) => value === undefined)) {
    throw new ApiError("BAD_REQUEST", "Nothing to change: give status, expiresAt, maxMachines, plan or email");
  }
  if (!id || !isUuid(id)) throw licenseNotFound();

  await prisma().$transaction(async (tx) => {
    if (!(await lockLicense(tx, id))) throw licenseNotFound();
    const before = await tx.license.findUniqueOrThrow({ where: { id }, include: { plan: { select: { slug: true, floating: true } } } });
    const data: Prisma.LicenseUncheckedUpdateInput = {};
    const changes: Record<string, Change> = {};

    if (input.status !== undefined && input.status !== before.status) {
      data.status = input.status;
      // A manual suspension or revocation is the admin's; clearing any automatic reason
      // (e.g. "payment_failed") keeps a later payment event from undoing it.
      data.statusReason = input.status === "ACTIVE" ? null : "admin";
      changes.status = { from: before.status, to: input.status };
    }
    const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
    if (input.expiresAt !== undefined && iso(input.expiresAt) !== iso(before.expiresAt)) {
      data.expiresAt = input.expiresAt;
      changes.expiresAt = { from: iso(before.expiresAt), to: iso(input.expiresAt) };
    }
    if (input.maxMachines !== undefined && input.maxMachines !== before.maxMachines) {
      data.maxMachines = input.maxMachines;
      changes.maxMachines = { from: before.maxMachines, to: input.maxMachines };
    }
    if (input.plan !== undefined && input.plan !== before.plan.slug) {
      const plan = await planBySlug(tx, input.plan);
      data.planId = plan.id;
      changes.plan = { from: before.plan.slug, to: input.plan };
      // Onto or off a floating plan: heartbeat deadlines from now, or dead machines stay inactive.
      await applyFloatingChange(tx, { licenseIds: [id] }, { from: before.plan, to: plan }, new Date());
    }
    if (input.email !== undefined) {
      // Written by moveLicenseToAddress itself (it may create the customer); machines and key stay.
      const owner = await moveLicenseToAddress(tx, id, input.email);
      if (owner) changes.email = owner;
    }

    // Only real changes are written and audited; a repeated PATCH is a harmless no-op.
    if (Object.keys(changes).length > 0) {
      await tx.license.update({ where: { id }, data });
      await recordLicenseChanges(tx, id, changes);
      await writeAudit(tx, {
        actor,
        action: "license.update",
        target: { type: "license", id },
        ip: req.ip,
        data: { changes },
      });
    }
  });
  // Read after the commit, outside the transaction (see listLicenses for why).
  const detail = await loadLicenseDetail(prisma(), id, new Date());
  if (!detail) throw licenseNotFound();
  return jsonResponse(200, detail);
}

export async function deactivateMachine({ req, actor }: AdminContext, [id, machineId]: string[]): Promise<ApiResponse> {
  if (!id || !machineId || !isUuid(id) || !isUuid(machineId)) throw new ApiError("NOT_FOUND", "The machine does not exist");

  const machine = await prisma().$transaction(async (tx) => {
    // Under the license lock, so a concurrent activation sees the seat either taken or freed.
    if (!(await lockLicense(tx, id))) throw licenseNotFound();
    const current = await tx.machine.findFirst({ where: { id: machineId, licenseId: id, deactivatedAt: null } });
    if (!current) throw new ApiError("NOT_FOUND", "The machine does not exist or is already deactivated");
    const updated = await tx.machine.update({ where: { id: machineId }, data: { deactivatedAt: new Date() } });
    await recordMachineEvent(tx, "machine.deactivated", id, updated);
    await writeAudit(tx, {
      actor,
      action: "machine.deactivate",
      target: { type: "machine", id: machineId },
      ip: req.ip,
      data: { licenseId: id, fingerprint: current.fingerprint, name: current.name },
    });
    return updated;
  });
  return jsonResponse(200, { deactivated: true, machine: adminMachine(machine) });
}
