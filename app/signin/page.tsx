import { singleSearchParam, type SearchParamValue } from "@/lib/http/search-params";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { safeReturnPath } from "@/lib/auth/return-to";
import { retryAfterText } from "@/lib/auth/sign-in-limits";
import { currentUser } from "@/lib/auth/session";
import { requestMagicLink } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one below.",
  EmailInvalid: "Enter exactly one email address, like name@example.com.",
  Configuration: "Sign-in is not configured correctly. Please contact the site's owner.",
};

/** The message for `?error=`; over the email budget it says when to try again (`retryAfter`, seconds). */
function errorMessage(error: string, retryAfter: string | undefined): string {
  if (error === "EmailRateLimited") {
    const seconds = Number(retryAfter);
    const when = Number.isInteger(seconds) && seconds > 0 && seconds <= 86_400 ? retryAfterText(seconds) : "in a few minutes";
    return `Too many sign-in emails were asked for this address. Nothing was sent; try again ${when}.`;
  }
  return ERRORS[error] ?? "Something went wrong signing you in. Try again.";
}

export default async function SignInPage(props: { searchParams: Promise<{ callbackUrl?: SearchParamValue; error?: SearchParamValue; retryAfter?: SearchParamValue }> }) {
  const params = await props.searchParams;
  const [callbackUrl, error, retryAfter] = [params.callbackUrl, params.error, params.retryAfter].map(singleSearchParam);
  const target = safeReturnPath(callbackUrl);
  if (await currentUser()) redirect(target);
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Sign in</h1>
      <p className="text-slate-600">We will email you a link to sign in — no password needed. New here? Buying a plan creates your account.</p>
      {error && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {errorMessage(String(error), retryAfter)}
        </p>
      )}
      <SignInForm action={requestMagicLink} callbackUrl={target} />
    </div>
  );
}
