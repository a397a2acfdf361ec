import type { ReactNode } from "react";
import type { PortalMachine } from "@/lib/portal/license-view";
import { DateTime } from "./date-time";

// A table from the small breakpoint up; below it every row is a stacked card whose
// cells carry their own label, so nothing scrolls sideways on a phone.
const cell = "flex justify-between gap-4 py-0.5 sm:table-cell sm:px-4 sm:py-3 sm:align-top";
const inlineLabel = "text-slate-500 sm:hidden";

function Heartbeat({ machine }: { machine: PortalMachine }) {
  const hb = machine.heartbeat;
  if (!hb) return <>—</>;
  return hb.state === "alive" ? (
    <span className="text-emerald-800">
      Alive until <DateTime value={hb.until} />
    </span>
  ) : (
    <span className="font-medium text-amber-800">Missed heartbeat: no seat until it checks in</span>
  );
}

export function MachineTable(props: {
  machines: PortalMachine[];
  floating: boolean;
  caption: string;
  /** the last column, e.g. the Deactivate control; omitted for the history */
  action?: (machine: PortalMachine) => ReactNode;
  /** what the date column says, "Deactivated" in the history */
  when?: "lastSeen" | "deactivated";
  /** no frame of its own, inside a box that has one */
  bare?: boolean;
}) {
  const { machines, floating, action } = props;
  const deactivated = props.when === "deactivated";
  return (
    <div className={props.bare ? "" : "rounded-lg border border-slate-200 bg-white"}>
      <table className="block w-full text-left text-sm sm:table">
        <caption className="sr-only">{props.caption}</caption>
        <thead className="hidden border-b border-slate-200 bg-slate-50 text-xs font-semibold tracking-wide text-slate-600 uppercase sm:table-header-group">
          <tr>
            <th scope="col" className="px-4 py-2">Machine</th>
            <th scope="col" className="px-4 py-2">Platform</th>
            <th scope="col" className="px-4 py-2">Activated</th>
            <th scope="col" className="px-4 py-2">{deactivated ? "Deactivated" : "Last seen"}</th>
            {floating && !deactivated && <th scope="col" className="px-4 py-2">Heartbeat</th>}
            {action && (
              // Wide enough for the confirm step, so asking does not reflow the columns.
              <th scope="col" className="px-4 py-2 sm:w-64">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="block divide-y divide-slate-200 sm:table-row-group">
          {machines.map((m) => (
            <tr key={m.id} data-machine={m.id} className="block p-4 sm:table-row sm:p-0">
              <th scope="row" className="block pb-1 font-medium sm:table-cell sm:px-4 sm:py-3 sm:align-top">
                <span className="break-words">{m.label}</span>
                {m.hostname && <span className="block text-xs font-normal break-words text-slate-500">Host: {m.hostname}</span>}
                {m.waitsForSeat && (
                  <span className="block text-xs font-medium text-amber-800">No seat: more machines than seats; it gets one when another is deactivated</span>
                )}
              </th>
              <td className={cell}>
                <span className={inlineLabel}>Platform</span>
                <span>{m.platform ?? "—"}</span>
              </td>
              <td className={cell}>
                <span className={inlineLabel}>Activated</span>
                <DateTime value={m.activatedAt} />
              </td>
              <td className={cell}>
                <span className={inlineLabel}>{deactivated ? "Deactivated" : "Last seen"}</span>
                <DateTime value={deactivated && m.deactivatedAt ? m.deactivatedAt : m.lastSeenAt} />
              </td>
              {floating && !deactivated && (
                <td className={cell}>
                  <span className={inlineLabel}>Heartbeat</span>
                  <Heartbeat machine={m} />
                </td>
              )}
              {action && <td className="block pt-3 sm:table-cell sm:px-4 sm:py-3 sm:text-right sm:align-top">{action(m)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
