import type { ReactNode } from "react";
import { th } from "./styles";

/** A column heading; `srOnly` names a column for screen readers alone (e.g. a column of buttons). */
export type Column = string | { srOnly: string };

/**
 * A bordered table that scrolls sideways inside its box rather than widening the page. The box is
 * `relative` so that absolutely positioned content (the `sr-only` heading of a column of buttons)
 * is clipped with the table: otherwise it escaped the box and widened admin pages at 375 px.
 */
export function Table({ caption, columns, children, empty }: { caption: string; columns: readonly Column[]; children: ReactNode; empty?: string }) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>
            {columns.map((c) => (
              <th key={typeof c === "string" ? c : c.srOnly} scope="col" className={th}>
                {typeof c === "string" ? c : <span className="sr-only">{c.srOnly}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
      {empty && <p className="p-4 text-sm text-slate-600">{empty}</p>}
    </div>
  );
}
