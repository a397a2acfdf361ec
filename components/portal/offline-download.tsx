import type { OfflineAvailability, PortalMachine } from "@/lib/portal/license-view";
import { primaryButton } from "./buttons";

/**
 * A plain GET form: the browser downloads the file the route answers with and stays
 * on the page, with or without JavaScript.
 */
export function OfflineDownload(props: { licenseId: string; machines: PortalMachine[]; offline: OfflineAvailability }) {
  const { offline } = props;
  if (!offline.allowed) return <p className="text-sm text-slate-700">{offline.reason}</p>;
  const eligible = props.machines.filter((m) => m.holdsSeat);
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">
        For a machine without internet access: a file signed by this portal that the application checks on its own. It is valid for{" "}
        {offline.graceDays} {offline.graceDays === 1 ? "day" : "days"} (never past the license&apos;s expiry) and only on the machine
        it was made for.
      </p>
      <form method="get" action={`/account/licenses/${props.licenseId}/offline`} className="flex flex-wrap items-end gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <label htmlFor="offline-machine" className="text-sm font-medium">
            Machine
          </label>
          <select
            id="offline-machine"
            name="machine"
            className="min-h-9 max-w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {eligible.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={primaryButton}>
          Download offline license
        </button>
      </form>
    </div>
  );
}
