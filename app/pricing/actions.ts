"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { CheckoutError, createCheckoutSession } from "@/lib/payments/checkout";

const planSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

export async function buyPlan(data: FormData): Promise<void> {
  const slug = planSlug.safeParse(data.get("plan"));
  if (!slug.success) redirect("/pricing?error=plan");
  const user = await currentUser();
  let url: string;
  try {
    url = await createCheckoutSession(slug.data, user);
  } catch (error) {
    if (error instanceof CheckoutError) redirect(`/pricing?error=${error.code}`);
    console.error("checkout failed:", (error as Error).message);
    redirect("/pricing?error=unavailable");
  }
  redirect(url);
}
