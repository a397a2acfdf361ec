"use server";

// The license page's plan changes (lib/payments/upgrades.ts). Each action checks the
// session itself; ownership is part of every query below it.
import { setTimeout as sleep } from "node:timers/promises";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { planChangeForm as form } from "@/lib/portal/plan-change-form";
import { prisma } from "@/lib/db/client";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";
import { changeSubscription, createUpgradeCheckout, PlanChangeError } from "@/lib/payments/upgrades";

export type PlanChangeState = { error?: string };

const SESSION_ENDED = "Your session has ended. Sign in again.";

/** Waits (up to `ms`) for Stripe's webhook to bring the change to the license, so the page shows it when it reloads. */
async function awaitWebhook(licenseId: string, plan: string, seats: number, ms = 8000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(250)) {
    const row = await prisma().license.findUnique({ where: { id: licenseId }, select: { maxMachines: true, plan: { select: { slug: true, maxMachines: true } } } });
    if (row && row.plan.slug === plan && (row.maxMachines ?? row.plan.maxMachines) === seats) return true;
  }
  return false;
}

/** Changes the subscription's plan and/or quantity through Stripe, then reloads the license page. */
export async function changeSubscriptionAction(_prev: PlanChangeState, data: FormData): Promise<PlanChangeState> {
  const user = await currentUser();
  if (!user) return { error: SESSION_ENDED };
  const parsed = form.safeParse({ licenseId: data.get("licenseId"), plan: data.get("plan"), quantity: data.get("quantity") ?? undefined });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Check the form." };
  const { licenseId, plan, quantity } = parsed.data;
  let seats: number;
  try {
    ({ seats } = await changeSubscription(user, licenseId, plan, quantity, clientIpFromHeaders(await headers())));
  } catch (error) {
    if (error instanceof PlanChangeError) return { error: error.message };
    throw error;
  }
  const applied = await awaitWebhook(licenseId, plan, seats);
  redirect(`/account/licenses/${licenseId}?changed=${applied ? "applied" : "pending"}`);
}

/** Opens Stripe Checkout for a one-off upgrade or a trial's conversion of this license. */
export async function upgradeCheckoutAction(_prev: PlanChangeState, data: FormData): Promise<PlanChangeState> {
  const user = await currentUser();
  if (!user) return { error: SESSION_ENDED };
  const parsed = form.safeParse({ licenseId: data.get("licenseId"), plan: data.get("plan") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Check the form." };
  let url: string;
  try {
    url = await createUpgradeCheckout(user, parsed.data.licenseId, parsed.data.plan);
  } catch (error) {
    if (error instanceof PlanChangeError) return { error: error.message };
    throw error;
  }
  redirect(url);
}
