"use client";

import { useState, useTransition } from "react";

/** A masked license key with Reveal and Copy; the clear key is fetched only when asked for. */
export function LicenseKey(props: { licenseId: string; masked: string; reveal: (id: string) => Promise<{ key?: string; error?: string }> }) {
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
    await navigator.clipboard.writeText(value).then(
      () => setMessage("Copied"),
      () => setMessage("Copy failed: select the key and copy it"),
    );
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all" data-testid="license-key">
        {key ?? props.masked}
      </code>
      <button
        type="button"
        onClick={() => (key ? setKey(null) : void fetchKey())}
        disabled={pending}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {key ? "Hide" : "Reveal"}
      </button>
      <button
        type="button"
        onClick={() => void copy()}
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
