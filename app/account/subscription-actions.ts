"use server";

// The subscription controls of the license pages. The action checks the session itself; lib/portal/renewal.ts
// checks that the license is the caller's and asks Stripe.
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { currentUser } from "@/lib/auth/session";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";
import { setRenewal } from "@/lib/portal/renewal";

export type RenewalState = { error?: string; done?: "canceled" | "resumed" };

/** "Cancel at period end" (`renew=off`) and "Resume" (`renew=on`), in place: the page re-renders with the new state. */
export async function changeRenewal(_prev: RenewalState, data: FormData): Promise<RenewalState> {
  const user = await currentUser();
  if (!user) return { error: "Your session has ended. Sign in again." };
  const renew = data.get("renew");
  if (renew !== "on" && renew !== "off") return { error: "Choose to cancel or to resume." };
  const result = await setRenewal(user, data.get("licenseId"), renew === "off", clientIpFromHeaders(await headers()));
  if (!result.ok) return { error: result.message };
  revalidatePath("/account");
  revalidatePath(`/account/licenses/${result.licenseId}`);
  return { done: result.cancelAtPeriodEnd ? "canceled" : "resumed" };
}
