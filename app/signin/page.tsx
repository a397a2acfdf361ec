import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { safeReturnPath } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";
import { requestMagicLink } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one below.",
  Configuration: "Sign-in is not configured correctly. Please contact the site's owner.",
};

export default async function SignInPage(props: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await props.searchParams;
  const target = safeReturnPath(callbackUrl);
  if (await currentUser()) redirect(target);
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Sign in</h1>
      <p className="text-slate-600">We will email you a link to sign in — no password needed. New here? Buying a plan creates your account.</p>
      {error && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {ERRORS[error] ?? "Something went wrong signing you in. Try again."}
        </p>
      )}
      <SignInForm action={requestMagicLink} callbackUrl={target} />
    </div>
  );
}
