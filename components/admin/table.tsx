import type { ReactNode } from "react";
import { th } from "./styles";

/** A column heading; `srOnly` names a column for screen readers alone (e.g. a column of buttons). */
export type Column = string | { srOnly: string };

/**
 * A bordered table that scrolls sideways inside its box rather than widening the page. The box is
 * `relative` so that absolutely positioned content (the `sr-only` heading of a column of buttons)
 * is clipped with the table: otherwise it escaped the box and widened admin pages at 375 px.
 *
 * `stacked`: below 640 px each row is a block of labelled lines instead (the rows' cells carry
 * {@link stackedCell} and a `data-label`): for wide tables whose every column matters, where
 * scrolling sideways inside the box hid all but the first two columns on a phone.
 */
export function Table({ caption, columns, children, empty, stacked = false }: { caption: string; columns: readonly Column[]; children: ReactNode; empty?: string; stacked?: boolean }) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className={`w-full text-sm ${stacked ? "max-sm:block" : ""}`}>
        <caption className="sr-only">{caption}</caption>
        <thead className={`border-b border-slate-200 bg-slate-50 ${stacked ? "max-sm:sr-only" : ""}`}>
          <tr>
            {columns.map((c) => (
              <th key={typeof c === "string" ? c : c.srOnly} scope="col" className={th}>
                {typeof c === "string" ? c : <span className="sr-only">{c.srOnly}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-200 ${stacked ? "max-sm:block" : ""}`}>{children}</tbody>
      </table>
      {empty && <p className="p-4 text-sm text-slate-600">{empty}</p>}
    </div>
  );
}

/** A row of a `stacked` table: a block below 640 px. */
export const stackedRow = "max-sm:block max-sm:py-2";

/** A cell of a `stacked` table: below 640 px a line of its own, headed by its `data-label` (the column's name). */
export const stackedCell =
  "max-sm:block max-sm:py-1 max-sm:before:block max-sm:before:text-xs max-sm:before:font-semibold max-sm:before:uppercase max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)]";
