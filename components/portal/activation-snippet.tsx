"use client";

import { activationSnippet } from "@/lib/portal/snippet";
import { useRevealedKey, type RevealKey } from "../use-revealed-key";
import { secondaryButton } from "./buttons";

/** The activation command, with the key masked until its owner asks for it. */
export function ActivationSnippet(props: { licenseId: string; maskedKey: string; appUrl: string; reveal: RevealKey }) {
  const { key, message, pending, toggle, copy } = useRevealedKey(props.licenseId, props.reveal);
  const copyCommand = () =>
    copy((k) => activationSnippet(props.appUrl, k), { done: "Command copied", failed: "Copy failed: select the command and copy it" });

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
        <button type="button" onClick={toggle} disabled={pending} className={secondaryButton}>
          {key ? "Hide key in command" : "Show key in command"}
        </button>
        <button type="button" onClick={() => void copyCommand()} disabled={pending} className={secondaryButton}>
          Copy command
        </button>
        <span role="status" aria-live="polite" className="text-sm text-slate-600">
          {message}
        </span>
      </div>
    </div>
  );
}
