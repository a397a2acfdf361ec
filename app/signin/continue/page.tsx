import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";

/**
 * Where a sign-in without a page to return to ends (lib/auth/return-to.ts's
 * DEFAULT_RETURN_PATH): the console for an admin, the
 * customer's licenses for everyone else (and the sign-in page if the session is gone).
 * A relative redirect, so it stays on whatever origin the browser is on.
 */
export default async function ContinueAfterSignIn(): Promise<never> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  redirect(user.isAdmin ? "/admin" : "/account");
}

export const dynamic = "force-dynamic";