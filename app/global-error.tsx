"use client";

import { PageError } from "@/components/page-error";
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
          <PageError error={error} reset={reset} what="show the site just now" back={{ href: "/", label: "Home" }} />
        </main>
      </body>
    </html>
  );
}
