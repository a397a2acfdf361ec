"use client";

import { useId, useState } from "react";
import { buttons, input } from "./styles";

/**
 * One export: a form POSTed to /admin/transfer/export, answered with the file (the browser
 * downloads it). Keys leave only when "include license keys" is ticked AND the admin confirms
 * the dialog, which sets confirmKeys; the server refuses keys without it.
 */
export function ExportForm({ kind, label, keysAllowed }: { kind: string; label: string; keysAllowed: boolean }) {
  const [keys, setKeys] = useState(false);
  const ids = useId();
  return (
    <form
      method="post"
      action="/admin/transfer/export"
      aria-label={`Export ${label}`}
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        const confirmKeys = e.currentTarget.elements.namedItem("confirmKeys") as HTMLInputElement | null;
        if (!keys || !confirmKeys) return;
        if (!window.confirm(`The file will hold every license key in clear. Anyone with it can use your customers' licenses. Export ${label} with keys?`)) {
          e.preventDefault();
          return;
        }
        confirmKeys.value = "yes";
      }}
    >
      <input type="hidden" name="kind" value={kind} />
      <label className="text-sm" htmlFor={`${ids}-format`}>
        Format
        <select id={`${ids}-format`} name="format" className={input} defaultValue="csv">
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
        </select>
      </label>
      {keysAllowed && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="keys" checked={keys} onChange={(e) => setKeys(e.target.checked)} />
          Include license keys
          <input type="hidden" name="confirmKeys" value="" />
        </label>
      )}
      <button type="submit" className={buttons.secondary}>
        Export {label}
      </button>
    </form>
  );
}
