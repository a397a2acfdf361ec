"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/return-to";

export type SignInState = { error?: string; email?: string };

const form = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address").max(320),
  // Only paths on this site, never another origin.
  callbackUrl: z.unknown().transform(safeReturnPath),
});

export async function requestMagicLink(_prev: SignInState, data: FormData): Promise<SignInState> {
  const parsed = form.safeParse({ email: data.get("email") ?? "", callbackUrl: data.get("callbackUrl") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input", email: String(data.get("email") ?? "") };
  try {
    // Throws Next's redirect to the check-email page on success.
    await signIn("nodemailer", { email: parsed.data.email, redirectTo: parsed.data.callbackUrl });
  } catch (error) {
    if (error instanceof AuthError) return { error: "We could not send the sign-in email. Try again in a few minutes.", email: parsed.data.email };
    throw error;
  }
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
