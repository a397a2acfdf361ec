"use client";

import { useId, useRef, useState } from "react";
import { describeAuditData } from "@/lib/admin/audit-details";
import type { CsvImportReport } from "@/lib/transfer/console-import";
import { buttons, fileInput, input, td } from "./styles";
import { Table } from "./table";

const RESULT_LABEL = { created: "create", updated: "update", unchanged: "unchanged", error: "error" } as const;
const DONE_LABEL = { created: "created", updated: "updated", unchanged: "unchanged", error: "error" } as const;

/**
 * The CSV import: the chosen file is POSTed raw to /admin/transfer/import with ?dryRun=1, its
 * per-license report shown; "Apply" sends the same file again without dryRun. The browser
 * keeps the File, so nothing is stored between the two requests.
 */
export function LicenseImport({ plans, maxMegabytes }: { plans: { slug: string; label: string }[]; maxMegabytes: number }) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [plan, setPlan] = useState("");
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<CsvImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checked, setChecked] = useState<File | null>(null);
  const ids = useId();

  const send = async (file: File, dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const query = new URLSearchParams(dryRun ? { dryRun: "1" } : {});
      if (plan) query.set("plan", plan);
      const res = await fetch(`/admin/transfer/import?${query}`, { method: "POST", headers: { "Content-Type": "text/csv" }, body: file });
      const body = await res.json().catch(() => null);
      if (!res.ok) {
        setReport(null);
        setChecked(null);
        setError(body?.error?.message ?? `The import failed (HTTP ${res.status}).`);
        return;
      }
      setReport(body as CsvImportReport);
      setChecked(dryRun ? file : null);
    } catch {
      setError("The upload was interrupted.");
    } finally {
      setBusy(false);
    }
  };

  const check = () => {
    const file = fileRef.current?.files?.[0];
    if (!file) return setError("Choose a CSV file first.");
    void send(file, true);
  };

  const changes = report ? report.created + report.updated : 0;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-sm" htmlFor={`${ids}-file`}>
          CSV file (at most {maxMegabytes} MiB)
          <input
            id={`${ids}-file`}
            ref={fileRef}
            type="file"
            accept=".csv,text/csv"
            className={fileInput}
            onChange={() => {
              setReport(null);
              setChecked(null);
            }}
          />
        </label>
        <label className="text-sm" htmlFor={`${ids}-plan`}>
          Plan for rows that name none
          <select id={`${ids}-plan`} className={input} value={plan} onChange={(e) => setPlan(e.target.value)}>
            <option value="">— by Lemon Squeezy product/variant id only —</option>
            {plans.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className={buttons.secondary} onClick={check} disabled={busy}>
          Check file (dry run)
        </button>
      </div>
      <p role="status" className={error ? "text-sm text-red-800" : "text-sm text-slate-700"}>
        {error ??
          (busy
            ? "Working…"
            : report &&
              (report.dryRun
                ? `Dry run (${report.layout === "lemonsqueezy" ? "Lemon Squeezy export" : "portal export"}): ${report.created} to create, ${report.updated} to update, ${report.unchanged} unchanged, ${report.errors} with errors. Nothing has been changed yet.`
                : `Imported: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.errors} with errors.`))}
      </p>
      {report && checked && changes > 0 && (
        <button type="button" className={buttons.primary} disabled={busy} onClick={() => void send(checked, false)}>
          Apply: import {changes} license{changes === 1 ? "" : "s"}
        </button>
      )}
      {report && (
        <Table caption={report.dryRun ? "What the import would do, per license" : "What the import did, per license"} columns={["Line", "Key", "Customer", "Plan", "Result", "Details"]}>
          {report.rows.map((row) => (
            <tr key={row.index} data-result={row.result}>
              <td className={`${td} tabular-nums`}>{row.lines.join(", ")}</td>
              <td className={`${td} font-mono`}>{row.keyHint ? `…${row.keyHint}` : "—"}</td>
              <td className={td}>{row.email ?? "—"}</td>
              <td className={td}>{row.plan ?? "—"}</td>
              <td className={`${td} font-medium ${row.result === "error" ? "text-red-800" : ""}`}>{(report.dryRun ? RESULT_LABEL : DONE_LABEL)[row.result]}</td>
              <td className={td}>
                {row.result === "error"
                  ? row.message
                  : row.result === "updated"
                    ? describeAuditData({ changes: row.changes }).join("; ")
                    : row.result === "created"
                      ? `${row.machines ?? 0} machine${row.machines === 1 ? "" : "s"}`
                      : ""}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
