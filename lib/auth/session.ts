import { redirect } from "next/navigation";
import { auth } from "./auth";

export type SessionUser = { id: string; email: string; name?: string | null; isAdmin: boolean };

export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  return session?.user ?? null;
}

/** For pages and actions that need a signed-in user: sends everyone else to sign in, then back. */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
