// Who owns a license. One function moves a license to another customer, for
// every path that does: the admin API's PATCH {email}, the console's "Change
// owner" (through that PATCH) and a gift accepted in the portal (lib/gifts).
// The license's machines belong to the license, not to its owner: they keep
// their seats, and the key stays the same.
import { accountByAddress } from "../auth/account-by-email";
import type { Prisma } from "../generated/prisma/client";

/** A change of owner, as `license.updated` and the audit log record it: addresses, not ids. */
export type OwnerChange = { from: string; to: string };

/**
 * Moves license `licenseId` to the customer whose address is `address` (identity form, already
 * parsed by the caller's schema), creating that customer when new. The caller holds the license's
 * row lock (`SELECT … FOR UPDATE`) in `tx` and records the change (audit entry and
 * `license.updated` with `changes.email`). Pending gifts of the license (lib/gifts) are cancelled. Returns null when that customer owns it already; throws
 * Prisma's not-found error when there is no such license (the caller locked it, so it exists).
 */
export async function moveLicenseToAddress(tx: Prisma.TransactionClient, licenseId: string, address: string): Promise<OwnerChange | null> {
  const before = await tx.license.findUniqueOrThrow({ where: { id: licenseId }, select: { user: { select: { id: true, email: true } } } });
  if (before.user.email === address) return null;
  const owner = await accountByAddress(tx, address);
  await tx.license.update({ where: { id: licenseId }, data: { userId: owner.id } });
  // A gift the previous owner offered is theirs no more to give: its link stops working.
  await tx.licenseGift.updateMany({ where: { licenseId, acceptedAt: null, cancelledAt: null }, data: { cancelledAt: new Date() } });
  return { from: before.user.email, to: owner.email };
}
