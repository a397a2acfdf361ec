"use server";

// The owner's actions on a license's key and ownership, and the receiver's
// acceptance of a gift. Each checks the session itself and hands the user to
// lib/gifts or lib/licensing, where ownership is part of every query.
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { currentUser } from "@/lib/auth/session";
import { acceptGift as accept } from "@/lib/gifts/accept";
import { cancelGift as cancel, offerLicense } from "@/lib/gifts/offers";
import { ApiError } from "@/lib/http/errors";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";
import { regenerateLicenseKey } from "@/lib/licensing/regenerate";
import { logger } from "@/lib/logging/logger";
import { auditActor } from "@/lib/portal/actor";
import { parseId } from "@/lib/portal/ids";

const SESSION_ENDED = "Your session has ended. Sign in again.";

import type { OwnerActionState } from "@/components/portal/owner-action-state";

const field = (data: FormData, name: string) => {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
};

/** Runs `work` for the signed-in customer; an ApiError's message is for them, anything else is logged. */
async function asCustomer(work: (user: { id: string; email: string }, ip: string | null) => Promise<OwnerActionState>): Promise<OwnerActionState> {
  const user = await currentUser();
  if (!user) return { error: SESSION_ENDED };
  try {
    return await work(user, clientIpFromHeaders(await headers()));
  } catch (error) {
    if (error instanceof ApiError && error.code !== "INTERNAL") return { error: error.message };
    logger().error({ err: error }, "portal owner action failed");
    return { error: "That did not work: an unexpected error occurred. Try again." };
  }
}

/** Sends the gift link to the address in the form; the license stays the owner's until it is accepted. */
export async function offerGift(_prev: OwnerActionState, data: FormData): Promise<OwnerActionState> {
  return asCustomer(async (user, ip) => {
    const licenseId = field(data, "licenseId");
    const gift = await offerLicense(user, { licenseId, email: field(data, "email") }, ip);
    revalidatePath(`/account/licenses/${parseId(licenseId)}`);
    return { ok: true, message: `A link to accept the license is on its way to ${gift.toEmail}.` };
  });
}

export async function cancelGift(_prev: OwnerActionState, data: FormData): Promise<OwnerActionState> {
  return asCustomer(async (user, ip) => {
    const licenseId = await cancel(user, { giftId: field(data, "giftId") }, ip);
    revalidatePath(`/account/licenses/${licenseId}`);
    return { ok: true, message: "Gift cancelled: its link no longer works." };
  });
}

/** A new key for a leaked one; requires the confirm step's `confirm=yes`. */
export async function regenerateKey(_prev: OwnerActionState, data: FormData): Promise<OwnerActionState> {
  return asCustomer(async (user, ip) => {
    if (field(data, "confirm") !== "yes") return { error: "Confirm first: the old key stops working at once." };
    const licenseId = parseId(field(data, "licenseId"));
    if (!licenseId) return { error: "Unknown license." };
    const done = await regenerateLicenseKey({ licenseId, ownerId: user.id, actor: auditActor(user), ip, via: "portal" });
    revalidatePath("/account");
    revalidatePath(`/account/licenses/${licenseId}`);
    return { ok: true, key: done.key, message: `The old key (…${done.previousKeyHint}) no longer works. Enter the new key on your machines: they keep their seats. It is emailed to ${done.emailedTo} too.` };
  });
}

/** The receiver confirms a gift from its link's page. */
export async function acceptGift(_prev: OwnerActionState, data: FormData): Promise<OwnerActionState> {
  return asCustomer(async (user, ip) => {
    const licenseId = await accept(user, field(data, "token"), ip);
    revalidatePath("/account");
    return { ok: true, licenseId, message: "The license is yours now." };
  });
}
