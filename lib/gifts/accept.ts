// The receiving side of a gift: the page the emailed link opens shows what is
// offered, and the receiver, signed in as the address it was sent to, confirms.
// Only then does the license move (lib/licensing/owner.ts): same key, machines
// kept, the giver no longer sees it.
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError } from "../http/errors";
import { moveLicenseToAddress } from "../licensing/owner";
import { auditActor, type PortalUser } from "../portal/actor";
import { recordLicenseChanges } from "../webhooks/record";
import { hashGiftToken, isGiftTokenShaped } from "./token";

/** What the link's page shows. `state` "pending" is the only one that can be accepted. */
export type GiftView =
  | { state: "unknown" }
  | {
      state: "pending" | "accepted" | "cancelled" | "expired" | "withdrawn";
      toEmail: string;
      fromEmail: string;
      productName: string;
      planName: string;
      licenseId: string;
      /** the license's owner now: after an acceptance, the receiver */
      ownerId: string;
    };

const findByToken = (token: string) =>
  prisma().licenseGift.findUnique({
    where: { tokenHash: hashGiftToken(token) },
    include: {
      fromUser: { select: { email: true } },
      license: { select: { id: true, userId: true, status: true, plan: { select: { name: true, product: { select: { name: true } } } } } },
    },
  });

type GiftRow = NonNullable<Awaited<ReturnType<typeof findByToken>>>;

/** "withdrawn": the giver no longer owns the license (moved by the vendor, or given to someone else) or it was revoked. */
function stateOf(gift: GiftRow, now: Date): Exclude<GiftView["state"], "unknown"> {
  if (gift.acceptedAt) return "accepted";
  if (gift.cancelledAt) return "cancelled";
  if (gift.expiresAt <= now) return "expired";
  if (gift.license.userId !== gift.fromUserId || gift.license.status === "REVOKED") return "withdrawn";
  return "pending";
}

/** The gift a link names, as its page shows it; `unknown` for anything that is not a live token's. */
export async function giftByToken(token: unknown, now = new Date()): Promise<GiftView> {
  if (!isGiftTokenShaped(token)) return { state: "unknown" };
  const gift = await findByToken(token);
  if (!gift) return { state: "unknown" };
  return {
    state: stateOf(gift, now),
    toEmail: gift.toEmail,
    fromEmail: gift.fromUser.email,
    productName: gift.license.plan.product.name,
    planName: gift.license.plan.name,
    licenseId: gift.license.id,
    ownerId: gift.license.userId,
  };
}

const NOT_PENDING: Record<Exclude<GiftView["state"], "pending">, string> = {
  unknown: "This gift link is not valid.",
  accepted: "This gift has been accepted already.",
  cancelled: "The giver cancelled this gift.",
  expired: "This gift link has expired: ask the giver to send the license again.",
  withdrawn: "This license can no longer be given from this link.",
};

/**
 * Accepts the gift of `token` for `user`, who must be signed in as the address it was sent to. In
 * one transaction under the license's row lock: the gift is marked accepted, the license moves to
 * `user` (moveLicenseToAddress), `license.updated` is recorded with `changes.email` and
 * `license.gift_accept` audited. Returns the license's id. Throws ApiError: NOT_FOUND (no such
 * gift), FORBIDDEN (signed in as another address), GONE (accepted, cancelled, expired, withdrawn).
 */
export async function acceptGift(user: PortalUser, token: unknown, ip: string | null, now = new Date()): Promise<string> {
  if (!isGiftTokenShaped(token)) throw new ApiError("NOT_FOUND", NOT_PENDING.unknown);
  const first = await findByToken(token);
  if (!first) throw new ApiError("NOT_FOUND", NOT_PENDING.unknown);
  if (first.toEmail !== user.email) {
    throw new ApiError("FORBIDDEN", `This gift is for ${first.toEmail}, and you are signed in as ${user.email}. Sign out and sign in as ${first.toEmail} to accept it.`);
  }
  return prisma().$transaction(async (tx) => {
    // The license lock first (as every license change takes it), then the gift read again under it:
    // a concurrent acceptance, cancellation or new offer has either finished or not started.
    await tx.$queryRaw`SELECT id FROM licenses WHERE id = ${first.licenseId}::uuid FOR UPDATE`;
    const gift = await tx.licenseGift.findUniqueOrThrow({
      where: { id: first.id },
      include: { fromUser: { select: { email: true } }, license: { select: { id: true, userId: true, status: true, plan: { select: { name: true, product: { select: { name: true } } } } } } },
    });
    const state = stateOf(gift, now);
    if (state !== "pending") throw new ApiError("GONE", NOT_PENDING[state]);
    await tx.licenseGift.update({ where: { id: gift.id }, data: { acceptedAt: now } });
    const change = await moveLicenseToAddress(tx, gift.licenseId, user.email);
    if (change) await recordLicenseChanges(tx, gift.licenseId, { email: change });
    await writeAudit(tx, {
      actor: auditActor(user),
      action: "license.gift_accept",
      target: { type: "license", id: gift.licenseId },
      ip,
      data: { giftId: gift.id, changes: change ? { email: change } : {} },
    });
    return gift.licenseId;
  });
}
