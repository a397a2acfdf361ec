"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { billingPortalUrl } from "@/lib/payments/checkout";
import { revealKeyForUser } from "@/lib/portal/licenses";

const input = z.string().uuid();

/** The clear key of one of the caller's own licenses; checked here, not only in the page. */
export async function revealKey(licenseId: string): Promise<{ key?: string; error?: string }> {
  const user = await currentUser();
  if (!user) return { error: "Your session has ended. Sign in again." };
  const id = input.safeParse(licenseId);
  if (!id.success) return { error: "Unknown license." };
  const key = await revealKeyForUser(user.id, id.data);
  return key ? { key } : { error: "Unknown license." };
}

/** Sends the customer to Stripe's Billing Portal for their subscriptions and invoices. */
export async function openBillingPortal(): Promise<void> {
  const user = await currentUser();
  if (!user) redirect("/signin?callbackUrl=%2Faccount");
  const url = await billingPortalUrl(user.id);
  redirect(url ?? "/account?billing=none");
}
