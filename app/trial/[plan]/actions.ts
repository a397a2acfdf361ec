"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { startTrial, TrialError } from "@/lib/licensing/trials";

const planSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

/** Issues the signed-in customer's trial license of the plan and opens it; refusals come back to the trial page. */
export async function startTrialAction(data: FormData): Promise<void> {
  const slug = planSlug.safeParse(data.get("plan"));
  if (!slug.success) redirect("/pricing?error=plan");
  const user = await currentUser();
  if (!user) redirect(`/trial/${slug.data}`);
  let licenseId: string;
  try {
    ({ licenseId } = await startTrial(user, slug.data));
  } catch (error) {
    if (error instanceof TrialError) redirect(`/trial/${slug.data}?error=${error.code}`);
    throw error;
  }
  redirect(`/account/licenses/${licenseId}?trial=started`);
}
