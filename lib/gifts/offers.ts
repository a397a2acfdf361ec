// The giving side of a gift (issue 14, "give a license to someone else"): the
// owner names an address, the receiver gets a link (lib/gifts/email.ts) and the
// license moves only when they confirm (lib/gifts/accept.ts). Until then the
// owner can cancel. One pending gift per license: a new offer replaces the last.
import { writeAudit } from "../audit/log";
import { identityEmail } from "../auth/account-by-email";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../http/errors";
import { auditActor, type PortalUser } from "../portal/actor";
import { parseId } from "../portal/ids";
import { queueGiftEmail } from "./email";
import { newGiftToken } from "./token";

/** How long a gift link works. Longer than a sign-in link: the receiver may read their mail days later. */
export const GIFT_DAYS = 7;
const DAY_MS = 86_400_000;

/** A gift as its giver sees it on the license page. */
export type PendingGift = { id: string; toEmail: string; expiresAt: Date; createdAt: Date };

const notYours = () => new ApiError("NOT_FOUND", "Unknown license.");

/** The `where` of gifts still waiting for their receiver at `now`. */
export function pendingWhere(now: Date): Prisma.LicenseGiftWhereInput {
  return { acceptedAt: null, cancelledAt: null, expiresAt: { gt: now } };
}

/**
 * Offers license `licenseId` of `user` to `email` and queues the link to it, in one transaction
 * under the license's row lock: earlier pending gifts of the license are cancelled, the gift row
 * (token hashed) and its email written, and `license.gift_offer` audited. Returns the gift.
 * Throws ApiError: BAD_REQUEST (not one address, or the owner's own), NOT_FOUND (not this
 * user's license), CONFLICT (revoked, or paid by a subscription, whose billing stays with the payer).
 */
export async function offerLicense(user: PortalUser, input: { licenseId: string; email: string }, ip: string | null, now = new Date()): Promise<PendingGift> {
  const to = identityEmail(input.email);
  if (to === user.email) throw new ApiError("BAD_REQUEST", "That is your own address: enter the address of the person who gets the license.");
  const licenseId = parseId(input.licenseId);
  if (!licenseId || !parseId(user.id)) throw notYours();
  return prisma().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM licenses WHERE id = ${licenseId}::uuid AND user_id = ${user.id}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notYours();
    const license = await tx.license.findUniqueOrThrow({
      where: { id: licenseId },
      select: { status: true, stripeSubscriptionId: true, plan: { select: { name: true, product: { select: { name: true } } } } },
    });
    if (license.status === "REVOKED") throw new ApiError("CONFLICT", "A revoked license cannot be given away.");
    if (license.stripeSubscriptionId) {
      throw new ApiError("CONFLICT", "A license paid by a subscription stays with the account that pays for it. Ask the vendor to move it.");
    }
    await tx.licenseGift.updateMany({ where: { licenseId, ...pendingWhere(now) }, data: { cancelledAt: now } });
    const { token, hash } = newGiftToken();
    const gift = await tx.licenseGift.create({
      data: { licenseId, fromUserId: user.id, toEmail: to, tokenHash: hash, expiresAt: new Date(now.getTime() + GIFT_DAYS * DAY_MS), createdAt: now },
    });
    const emailId = await queueGiftEmail(tx, {
      to,
      from: user.email,
      productName: license.plan.product.name,
      planName: license.plan.name,
      token,
      expiresAt: gift.expiresAt,
    });
    await writeAudit(tx, {
      actor: auditActor(user),
      action: "license.gift_offer",
      target: { type: "license", id: licenseId },
      ip,
      data: { giftId: gift.id, to, expiresAt: gift.expiresAt.toISOString(), emailId },
    });
    return { id: gift.id, toEmail: gift.toEmail, expiresAt: gift.expiresAt, createdAt: gift.createdAt };
  });
}

/**
 * Cancels a pending gift of `user`'s (its link stops working) and audits `license.gift_cancel`.
 * Returns the license's id. Throws ApiError NOT_FOUND when the gift is not theirs or no longer pending.
 */
export async function cancelGift(user: PortalUser, input: { giftId: string }, ip: string | null, now = new Date()): Promise<string> {
  const giftId = parseId(input.giftId);
  if (!giftId || !parseId(user.id)) throw new ApiError("NOT_FOUND", "There is no such pending gift.");
  return prisma().$transaction(async (tx) => {
    const gift = await tx.licenseGift.findFirst({ where: { id: giftId, fromUserId: user.id, ...pendingWhere(now) }, select: { licenseId: true, toEmail: true } });
    if (!gift) throw new ApiError("NOT_FOUND", "There is no such pending gift: it was accepted, cancelled or has expired.");
    // Conditional, so a cancel racing an acceptance changes nothing when the acceptance won.
    const { count } = await tx.licenseGift.updateMany({ where: { id: giftId, ...pendingWhere(now) }, data: { cancelledAt: now } });
    if (count === 0) throw new ApiError("NOT_FOUND", "There is no such pending gift: it was accepted, cancelled or has expired.");
    await writeAudit(tx, {
      actor: auditActor(user),
      action: "license.gift_cancel",
      target: { type: "license", id: gift.licenseId },
      ip,
      data: { giftId, to: gift.toEmail },
    });
    return gift.licenseId;
  });
}

/** The pending gifts of one of `userId`'s licenses (at most one, see offerLicense). */
export async function pendingGifts(userId: string, licenseId: string, now = new Date()): Promise<PendingGift[]> {
  const id = parseId(licenseId);
  if (!id || !parseId(userId)) return [];
  return prisma().licenseGift.findMany({
    where: { licenseId: id, fromUserId: userId, license: { userId }, ...pendingWhere(now) },
    select: { id: true, toEmail: true, expiresAt: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
}
