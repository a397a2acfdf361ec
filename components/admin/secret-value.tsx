"use client";

import { useState } from "react";
import { buttons } from "./styles";

/** A secret shown once (a new API token, a license key), with a copy button. */
export function SecretValue({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => setCopied("Copied"),
      () => setCopied("Copy failed: select the text and copy it"),
    );
  return (
    <div className="mt-2 space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-slate-900">
      <p className="text-sm font-medium">{label}</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="secret-value" className="rounded bg-white px-2 py-1 font-mono text-sm break-all">
          {value}
        </code>
        <button type="button" onClick={() => void copy()} className={buttons.secondary}>
          Copy
        </button>
        <span role="status" className="text-sm text-slate-600">
          {copied}
        </span>
      </div>
    </div>
  );
}
