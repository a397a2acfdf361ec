"use client";

import Link from "next/link";
import { secondaryButton } from "@/components/portal/buttons";

/**
 * An unexpected failure while rendering any page below the root layout (the account and console have
 * their own): the site's header stays, the visitor learns that nothing was changed and can retry.
 * Changes are transactional, so a failed page leaves nothing half-done behind.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="space-y-4 rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-2xl font-bold tracking-tight">Something went wrong</h1>
      <p className="text-slate-700">We could not show this page. Nothing was changed; please try again in a moment.</p>
      {error.digest && <p className="text-sm text-slate-500">Reference for support: {error.digest}</p>}
      <div className="flex flex-wrap gap-3">
        <button type="button" onClick={reset} className={secondaryButton}>
          Try again
        </button>
        <Link href="/" className={secondaryButton}>
          Home
        </Link>
      </div>
    </div>
  );
}
