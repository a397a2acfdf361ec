"use client";

import { PageError } from "@/components/page-error";

/**
 * An unexpected failure while rendering any page below the root layout (the account has its own
 * boundary): the site's header stays, the visitor learns that nothing was changed and can retry.
 */
export default function SiteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} what="show this page" back={{ href: "/", label: "Home" }} />;
}
