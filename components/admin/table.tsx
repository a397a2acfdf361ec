import type { ReactNode } from "react";

/** A bordered table that scrolls sideways inside its box rather than widening the page. */
export function Table({ caption, head, children, empty }: { caption: string; head: ReactNode; children: ReactNode; empty?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 bg-slate-50">{head}</thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
      {empty && <p className="p-4 text-sm text-slate-600">{empty}</p>}
    </div>
  );
}
