"use client";

import Link from "next/link";
import "./globals.css";

/**
 * A failure of the root layout itself (it reads the session and the store's name), where no page error
 * boundary can help: Next then renders this instead of the whole document, so it brings its own <html>.
 * No header: the store's name comes from the database that may be what failed.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <head>
        <title>Something went wrong</title>
      </head>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <main className="mx-auto w-full max-w-5xl px-4 py-10 sm:px-6">
          <div role="alert" className="space-y-4 rounded-lg border border-red-200 bg-white p-6">
            <h1 className="text-2xl font-bold tracking-tight">Something went wrong</h1>
            <p className="text-slate-700">The site could not be shown just now. Nothing was changed; please try again in a moment.</p>
            {error.digest && <p className="text-sm text-slate-500">Reference for support: {error.digest}</p>}
            <div className="flex flex-wrap gap-3">
              <button type="button" onClick={reset} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium">
                Try again
              </button>
              <Link href="/" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium">
                Home
              </Link>
            </div>
          </div>
        </main>
      </body>
    </html>
  );
}
