// A new key for a license whose key leaked (issue 14), from the portal (its
// owner) or the console (an admin). The old key stops working at once: its
// keyed hash is overwritten in the same row, and the licenses trigger announces
// a key_hash change like any other (migration 20261202160000), so every
// instance's license cache (license-cache.ts) drops the old key's entry before
// its next answer: the next request with the old key finds nothing, NOT_FOUND.
// Machines belong to the license, not to its key: they keep their seats.
import type { Actor } from "../audit/log";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { queueLicenseEmail, renewsAutomatically } from "../email/messages";
import { ApiError } from "../http/errors";
import { recordLicenseChanges } from "../webhooks/record";
import { generateLicenseKey, licenseKeyColumns } from "./keys";
import { runtimeKeys } from "./runtime-keys";

export type RegeneratedKey = {
  /** the new clear key, for the caller to show once (it is also emailed to the owner) */
  key: string;
  keyHint: string;
  previousKeyHint: string;
  /** the owner's address, where the new key was sent */
  emailedTo: string;
  emailId: string;
};

/**
 * Replaces the key of license `licenseId` with a fresh one, in one transaction under the license's
 * row lock (the lock activation takes, so no activation straddles the change): the key columns
 * (licenseKeyColumns), an audit entry `license.regenerate_key` with the old and new hints (never a
 * key), `license.updated` with `changes.keyHint`, and the key email (occasion "regenerated") in the
 * outbox. `ownerId`: when given (the portal), the license must be that customer's, else NOT_FOUND.
 * Throws ApiError NOT_FOUND (no such license) or CONFLICT (revoked: a new key would not work either).
 */
export async function regenerateLicenseKey(input: {
  licenseId: string;
  ownerId?: string;
  actor: Actor;
  ip: string | null;
  via: "portal" | "console";
}): Promise<RegeneratedKey> {
  const keys = runtimeKeys();
  return prisma().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM licenses WHERE id = ${input.licenseId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw new ApiError("NOT_FOUND", "The license does not exist.");
    const before = await tx.license.findUniqueOrThrow({
      where: { id: input.licenseId },
      include: { user: { select: { id: true, email: true } }, plan: { select: { name: true, product: { select: { name: true } } } } },
    });
    if (input.ownerId !== undefined && before.user.id !== input.ownerId) throw new ApiError("NOT_FOUND", "The license does not exist.");
    if (before.status === "REVOKED") throw new ApiError("CONFLICT", "The license is revoked: a new key would not work either.");

    const key = generateLicenseKey(keys.prefix);
    const columns = licenseKeyColumns(key, keys);
    await tx.license.update({ where: { id: before.id }, data: columns });
    const changes = { keyHint: { from: before.keyHint, to: columns.keyHint } };
    await recordLicenseChanges(tx, before.id, changes);
    await writeAudit(tx, {
      actor: input.actor,
      action: "license.regenerate_key",
      target: { type: "license", id: before.id },
      ip: input.ip,
      data: { changes, via: input.via },
    });
    const emailId = await queueLicenseEmail(tx, {
      to: before.user.email,
      productName: before.plan.product.name,
      planName: before.plan.name,
      key,
      expiresAt: before.expiresAt,
      renews: renewsAutomatically(before),
      occasion: "regenerated",
    });
    return { key, keyHint: columns.keyHint, previousKeyHint: before.keyHint, emailedTo: before.user.email, emailId };
  });
}
