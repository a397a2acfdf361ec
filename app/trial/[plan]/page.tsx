import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { currentUser } from "@/lib/auth/session";
import { trialOffer } from "@/lib/licensing/trials";
import { requestMagicLink } from "../../signin/actions";
import { startTrialAction } from "./actions";

export const metadata: Metadata = { title: "Start a free trial" };

const ERRORS: Record<string, string> = {
  used: "You have had a free trial of this product already. Buy a plan to keep using it — your trial license becomes the paid one.",
  notrial: "This plan has no free trial.",
  plan: "This plan is not on sale.",
};

/**
 * "Start free trial" from the pricing page. Signed out: the email form of the sign-in flow, coming back
 * here once the magic link is used. Signed in: one button that issues the trial license (a POST, never
 * a side effect of opening the page).
 */
export default async function TrialPage(props: { params: Promise<{ plan: string }>; searchParams: Promise<{ error?: string }> }) {
  const [{ plan: slug }, { error }] = await Promise.all([props.params, props.searchParams]);
  const offer = await trialOffer(slug);
  if (!offer) notFound();
  const user = await currentUser();
  const days = `${offer.trialDays}-day`;
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">
        Try {offer.productName} {offer.planName} free
      </h1>
      <p className="text-slate-600">
        A {days} trial license, no card needed. Buy the plan before it ends and the same key keeps working, with your machines.
      </p>
      {error && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {ERRORS[error] ?? ERRORS.plan}{" "}
          {error === "used" && (
            <Link href="/pricing" className="font-medium underline">
              See the plans
            </Link>
          )}
        </p>
      )}
      {user ? (
        <form action={startTrialAction} className="space-y-3">
          <input type="hidden" name="plan" value={offer.slug} />
          <p className="text-sm text-slate-700">Signed in as {user.email}.</p>
          <button
            type="submit"
            className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Start my {days} trial
          </button>
        </form>
      ) : (
        <>
          <p className="text-sm text-slate-700">Enter your email: we send you a sign-in link that brings you back here to start the trial.</p>
          <SignInForm action={requestMagicLink} callbackUrl={`/trial/${offer.slug}`} submitLabel="Email me a link to start the trial" />
        </>
      )}
    </div>
  );
}
