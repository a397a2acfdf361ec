"use client";

import { useState } from "react";

/** Copies `value` to the clipboard and says whether it worked (a status message screen readers announce). */
export function CopyButton(props: { value: string; label?: string; className?: string }) {
  const [message, setMessage] = useState("");
  const copy = () =>
    navigator.clipboard.writeText(props.value).then(
      () => setMessage("Copied"),
      () => setMessage("Copy failed: select the text and copy it"),
    );
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={() => void copy()}
        className={
          props.className ??
          "rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
        }
      >
        {props.label ?? "Copy"}
      </button>
      <span role="status" aria-live="polite" className="text-sm text-slate-600">
        {message}
      </span>
    </span>
  );
}
