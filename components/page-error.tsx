"use client";

import Link from "next/link";
import { secondaryButton } from "@/components/portal/buttons";

/**
 * What every error boundary shows (app/error.tsx, app/account/error.tsx, app/global-error.tsx): the
 * failure, that nothing was changed (changes are transactional), Next's error digest for support, a
 * retry and a way on. `what` completes "We could not …"; `back` is the link offered besides retrying.
 */
export function PageError(props: {
  error: Error & { digest?: string };
  reset: () => void;
  what: string;
  back: { href: string; label: string };
}) {
  return (
    <div role="alert" className="space-y-4 rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-2xl font-bold tracking-tight">Something went wrong</h1>
      <p className="text-slate-700">We could not {props.what}. Nothing was changed; please try again in a moment.</p>
      {props.error.digest && <p className="text-sm text-slate-500">Reference for support: {props.error.digest}</p>}
      <div className="flex flex-wrap gap-3">
        <button type="button" onClick={props.reset} className={secondaryButton}>
          Try again
        </button>
        <Link href={props.back.href} className={secondaryButton}>
          {props.back.label}
        </Link>
      </div>
    </div>
  );
}
