import type { Metadata } from "next";
import Link from "next/link";
import { DashboardCharts } from "@/components/admin/dashboard-charts";
import { td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { formatCount, formatMoney } from "@/components/format";
import { loadDashboard, parseRange, RANGES } from "@/lib/admin/dashboard";
import { requireAdmin } from "@/lib/admin/guard";

export const metadata: Metadata = { title: "Dashboard" };

function Figure({ label, value, testId, note }: { label: string; value: string; testId: string; note?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-2xl font-bold tabular-nums" data-testid={testId}>
        {value}
      </dd>
      {note ? <dd className="text-xs text-slate-600">{note}</dd> : null}
    </div>
  );
}

export default async function DashboardPage(props: { searchParams: Promise<{ range?: string }> }) {
  await requireAdmin("/admin");
  const range = parseRange((await props.searchParams).range);
  const data = await loadDashboard(range);
  const { totals } = data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">Dashboard</h1>
          <p className="text-sm text-slate-600">
            {data.from} to {data.to}, UTC days. Usage is counted in batches a few seconds after it happens.
          </p>
        </div>
        <nav aria-label="Range">
          <ul className="flex overflow-hidden rounded-md border border-slate-300 text-sm">
            {RANGES.map((r) => (
              <li key={r}>
                <Link
                  href={`/admin?range=${r}`}
                  aria-current={r === range ? "page" : undefined}
                  className={`block px-3 py-1.5 focus-visible:outline-2 focus-visible:outline-indigo-600 ${r === range ? "bg-slate-900 font-semibold text-white" : "bg-white hover:bg-slate-100"}`}
                >
                  {r} days
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>

      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3">
        <Figure label={`Validations, ${range} days`} value={formatCount(totals.validations)} testId="total-validations" />
        <Figure label={`Activations, ${range} days`} value={formatCount(totals.activations)} testId="total-activations" />
        <Figure label={`Failures, ${range} days`} value={formatCount(totals.failures)} testId="total-failures" />
        <Figure
          label="Machines holding a seat"
          value={formatCount(totals.activeMachinesNow)}
          testId="total-machines"
          note={`Counted at ${data.seatsCountedAt.toISOString().slice(11, 16)} UTC, every 5 minutes`}
        />
        <Figure label={`New licenses, ${range} days`} value={formatCount(totals.newLicenses)} testId="total-new-licenses" />
        <Figure
          label={`Revenue, ${range} days`}
          value={data.revenue.length === 0 ? "—" : data.revenue.map((r) => formatMoney(r.totalCents, r.currency)).join(" + ")}
          testId="total-revenue"
        />
        <Figure label={`Release downloads, ${range} days`} value={formatCount(totals.downloads)} testId="total-downloads" />
      </dl>

      <DashboardCharts data={data} />

      <section aria-labelledby="downloads-by-release" className="space-y-3">
        <h2 id="downloads-by-release" className="text-xl font-semibold tracking-tight">
          Downloads by release, {range} days
        </h2>
        <Table
          caption={`The most downloaded releases of the last ${range} days`}
          columns={["Release", "Downloads"]}
          empty={data.releaseDownloads.length === 0 ? "No downloads in this range." : undefined}
        >
          {data.releaseDownloads.map((r) => (
            <tr key={r.releaseId} data-release={`${r.product}@${r.version}`}>
              <th scope="row" className={`${td} text-left font-normal`}>
                <Link className="underline" href="/admin/releases">
                  {r.product} <span className="font-mono">{r.version}</span>
                </Link>
              </th>
              <td className={`${td} tabular-nums`}>{formatCount(r.downloads)}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
