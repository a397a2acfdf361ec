"use client";

import { useRevealedKey, type RevealKey } from "./use-revealed-key";

/** A masked license key with Reveal and Copy; the clear key is fetched only when asked for. */
export function LicenseKey(props: { licenseId: string; masked: string; reveal: RevealKey }) {
  const { key, message, pending, toggle, copy } = useRevealedKey(props.licenseId, props.reveal);

  return (
    <div className="flex flex-wrap items-center gap-2">
      <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all" data-testid="license-key">
        {key ?? props.masked}
      </code>
      <button
        type="button"
        onClick={toggle}
        disabled={pending}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {key ? "Hide" : "Reveal"}
      </button>
      <button
        type="button"
        onClick={() => void copy((k) => k, { done: "Copied", failed: "Copy failed: select the key and copy it" })}
        disabled={pending}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        Copy
      </button>
      <span role="status" aria-live="polite" className="text-sm text-slate-600">
        {message}
      </span>
    </div>
  );
}
