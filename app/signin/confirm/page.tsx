import type { Metadata } from "next";
import { safeCallbackPath } from "@/lib/auth/magic-link";
import { singleSearchParam, type SearchParamValue } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Confirm sign-in" };

// The email's link lands here; only submitting this form spends the one-time
// token, so a mail scanner fetching the link does not sign anyone in. A plain
// GET form (a full navigation) reaches Auth.js's callback with its parameters.
export default async function ConfirmSignInPage(props: { searchParams: Promise<{ callback?: SearchParamValue }> }) {
  // `?callback=a&callback=b` arrives as an array: not a link we sent.
  const path = safeCallbackPath(singleSearchParam((await props.searchParams).callback));
  const url = path ? new URL(path, "http://localhost") : null;
  const email = url?.searchParams.get("email");
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Confirm sign-in</h1>
      {url ? (
        <form method="get" action={url.pathname} className="space-y-4">
          {[...url.searchParams].map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <p className="text-slate-600">{email ? <>Sign in as <strong>{email}</strong>?</> : "Continue to sign in?"}</p>
          <button
            type="submit"
            className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Sign in
          </button>
        </form>
      ) : (
        <p role="alert" className="text-slate-700">
          This sign-in link is not valid. <a className="text-indigo-700 underline" href="/signin">Ask for a new one.</a>
        </p>
      )}
    </div>
  );
}
