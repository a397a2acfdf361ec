"use client";

import { PageError } from "@/components/page-error";

/** Any failure while loading an account page; changes are transactional, so nothing half-done is left behind. */
export default function AccountError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} what="load this page" back={{ href: "/account", label: "Back to my licenses" }} />;
}
