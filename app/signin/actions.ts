"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/return-to";
import { retryAfterText, SignInEmailLimited } from "@/lib/auth/sign-in-limits";
import { captureSignInOutcome } from "@/lib/auth/sign-in-outcome";
import { EMAIL_MESSAGE, email } from "@/lib/http/input";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";

export type SignInState = { error?: string; email?: string };

const form = z.object({
  // Exactly one address, in its identity form: the same type as every other boundary (lib/http/input.ts).
  email,
  // Only paths on this site, never another origin.
  callbackUrl: z.unknown().transform(safeReturnPath),
});

export async function requestMagicLink(_prev: SignInState, data: FormData): Promise<SignInState> {
  const parsed = form.safeParse({ email: data.get("email") ?? "", callbackUrl: data.get("callbackUrl") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input", email: String(data.get("email") ?? "") };
  // signIn throws Next's redirect to the check-email page on success.
  const ip = clientIpFromHeaders(await headers());
  const { error, refusal } = await captureSignInOutcome(ip, () => signIn("nodemailer", { email: parsed.data.email, redirectTo: parsed.data.callbackUrl }));
  if (refusal instanceof SignInEmailLimited) {
    return {
      error: `Too many sign-in emails were asked for this address. Nothing was sent; try again ${retryAfterText(refusal.retryAfterSeconds)}.`,
      email: parsed.data.email,
    };
  }
  if (refusal) return { error: EMAIL_MESSAGE, email: parsed.data.email };
  if (error instanceof AuthError) return { error: "We could not send the sign-in email. Try again in a few minutes.", email: parsed.data.email };
  if (error) throw error;
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
