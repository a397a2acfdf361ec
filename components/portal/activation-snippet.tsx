"use client";

import { useState, useTransition } from "react";
import { activationSnippet } from "@/lib/portal/snippet";
import { secondaryButton } from "./buttons";

type Reveal = (licenseId: string) => Promise<{ key?: string; error?: string }>;

/**
 * The activation command with the key masked until its owner asks for it, so the
 * clear key is neither in the page's HTML nor on screen by default.
 */
export function ActivationSnippet(props: { licenseId: string; maskedKey: string; appUrl: string; reveal: Reveal }) {
  const [key, setKey] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const fetchKey = () =>
    new Promise<string | null>((resolve) =>
      startTransition(async () => {
        const result = await props.reveal(props.licenseId);
        if (result.key) setKey(result.key);
        setMessage(result.error ?? null);
        resolve(result.key ?? null);
      }),
    );

  const copy = async () => {
    const value = key ?? (await fetchKey());
    if (!value) return;
    await navigator.clipboard.writeText(activationSnippet(props.appUrl, value)).then(
      () => setMessage("Command copied"),
      () => setMessage("Copy failed: select the command and copy it"),
    );
  };

  return (
    <div className="space-y-2">
      <pre
        tabIndex={0}
        aria-label="Activation command"
        className="max-w-full overflow-x-auto rounded-md bg-slate-900 p-4 text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <code data-testid="activation-snippet">{activationSnippet(props.appUrl, key ?? props.maskedKey)}</code>
      </pre>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" onClick={() => (key ? setKey(null) : void fetchKey())} disabled={pending} className={secondaryButton}>
          {key ? "Hide key in command" : "Show key in command"}
        </button>
        <button type="button" onClick={() => void copy()} disabled={pending} className={secondaryButton}>
          Copy command
        </button>
        <span role="status" aria-live="polite" className="text-sm text-slate-600">
          {message}
        </span>
      </div>
    </div>
  );
}
