"use server";

// Thin wrappers: each action checks the session itself (never trusting that the
// page did), then hands the user id to lib/portal, where ownership is part of
// every query.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentUser, requireUser } from "@/lib/auth/session";
import { billingPortalFor } from "@/lib/payments/billing-portal";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";
import { parseId } from "@/lib/portal/ids";
import { revealKeyForUser } from "@/lib/portal/licenses";
import { deactivateMachineForUser } from "@/lib/portal/machines";

const SESSION_ENDED = "Your session has ended. Sign in again.";

/** The clear key of one of the caller's own licenses; checked here, not only in the page. */
export async function revealKey(licenseId: string): Promise<{ key?: string; error?: string }> {
  const user = await currentUser();
  if (!user) return { error: SESSION_ENDED };
  // revealKeyForUser parses the id itself: a malformed one is simply not the user's.
  const key = await revealKeyForUser(user.id, licenseId);
  return key ? { key } : { error: "Unknown license." };
}

/**
 * Sends the customer to Stripe's Billing Portal (card, invoices, subscriptions). From a license page
 * (`licenseId` in the form) Stripe's Return link leads back to it. When there is no portal to open,
 * the page says why (`?billing=none|missing|unavailable`) instead of failing.
 */
export async function openBillingPortal(data?: FormData): Promise<void> {
  const user = await requireUser("/account");
  const licenseId = parseId(data?.get("licenseId"));
  const back = licenseId ? `/account/licenses/${licenseId}` : "/account";
  const portal = await billingPortalFor(user.id, back);
  redirect("url" in portal ? portal.url : `${back}?billing=${portal.problem}`);
}

export type DeactivateState = { error?: string };

/** Frees a machine's seat; on success reloads the license page with a confirmation. */
export async function deactivateMachine(_prev: DeactivateState, data: FormData): Promise<DeactivateState> {
  const user = await currentUser();
  if (!user) return { error: SESSION_ENDED };
  const input = { licenseId: data.get("licenseId"), machineId: data.get("machineId") };
  const ip = clientIpFromHeaders(await headers());
  const result = await deactivateMachineForUser(user, input, ip);
  if (!result.ok) return { error: result.message };
  redirect(`/account/licenses/${result.licenseId}?deactivated=${result.machine.id}`);
}
