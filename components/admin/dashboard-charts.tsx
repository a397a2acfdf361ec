"use client";

// The dashboard's charts (recharts). Nothing depends on colour alone: series
// differ in line pattern and marker shape and are named in the legend, bars
// carry their value as a label, status bars also differ by fill pattern, and
// every chart has its numbers as a table beside it.
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Cell, LabelList, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { Dashboard } from "@/lib/admin/dashboard";
import { currencyExponent, toMajorUnits } from "@/lib/catalog/money";
import { formatCount, formatMoney } from "../format";
import { td, th } from "./styles";

const CHART_STYLE = { width: "100%", height: 260 } as const;
const AXIS = { fontSize: 12, fill: "#334155" };

const SERIES = [
  { key: "validations", name: "Validations", color: "#4338ca", dash: undefined, dot: "circle" },
  { key: "activations", name: "Activations", color: "#047857", dash: "8 4", dot: "square" },
  { key: "failures", name: "Failures (refused answers)", color: "#b91c1c", dash: "2 3", dot: "triangle" },
] as const;

const STATUS_FILL: Record<string, string> = {
  ACTIVE: "url(#pattern-active)",
  SUSPENDED: "url(#pattern-suspended)",
  REVOKED: "url(#pattern-revoked)",
  EXPIRED: "url(#pattern-expired)",
};

const shortDay = (day: string) => day.slice(5); // MM-DD; the table has the full date

type DotProps = { cx?: number; cy?: number };

/** Marker shapes, so series can be told apart in grey too. */
function marker(shape: "circle" | "square" | "triangle", color: string) {
  const Marker = ({ cx, cy }: DotProps) => {
    if (cx === undefined || cy === undefined) return <g />;
    if (shape === "square") return <rect x={cx - 3.5} y={cy - 3.5} width={7} height={7} fill={color} />;
    if (shape === "triangle") return <path d={`M${cx},${cy - 4.5} L${cx + 4.5},${cy + 3.5} L${cx - 4.5},${cy + 3.5} Z`} fill={color} />;
    return <circle cx={cx} cy={cy} r={3.5} fill={color} />;
  };
  Marker.displayName = `Marker(${shape})`;
  return Marker;
}

function Figure(props: { id: string; title: string; description: string; chart: ReactNode; table: ReactNode }) {
  return (
    <figure aria-labelledby={`${props.id}-title`} data-testid={props.id} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <figcaption id={`${props.id}-title`} className="font-semibold">
        {props.title}
        <span className="block text-xs font-normal text-slate-600">{props.description}</span>
      </figcaption>
      {/* recharts' own accessibility layer makes the chart keyboard-readable; the table has every number. */}
      {props.chart}
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600">Show the numbers</summary>
        <div className="mt-2 max-h-72 overflow-auto">{props.table}</div>
      </details>
    </figure>
  );
}

function DataTable(props: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{props.caption}</caption>
      <thead className="bg-slate-50">
        <tr>
          {props.columns.map((c) => (
            <th key={c} scope="col" className={th}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {props.rows.map((row) => (
          <tr key={String(row[0])}>
            {row.map((cell, i) => (
              <td key={i} className={`${td} ${i > 0 ? "text-right tabular-nums" : "whitespace-nowrap"}`}>
                {typeof cell === "number" ? formatCount(cell) : cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Patterns() {
  // Distinct textures per status: solid, diagonal, cross-hatch, dots.
  return (
    <defs>
      <pattern id="pattern-active" width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill="#047857" />
      </pattern>
      <pattern id="pattern-suspended" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill="#fef3c7" />
        <rect width="4" height="8" fill="#b45309" />
      </pattern>
      <pattern id="pattern-revoked" width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill="#fee2e2" />
        <path d="M0,0 L8,8 M8,0 L0,8" stroke="#b91c1c" strokeWidth="2" />
      </pattern>
      <pattern id="pattern-expired" width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill="#e2e8f0" />
        <circle cx="4" cy="4" r="2" fill="#334155" />
      </pattern>
    </defs>
  );
}

export function DashboardCharts({ data }: { data: Dashboard }) {
  const days = data.days.map((d) => ({ ...d, label: shortDay(d.day) }));
  const range = `${data.from} to ${data.to} (UTC)`;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Figure
        id="chart-usage"
        title="License API answers per day"
        description={`Validations, activations and refused answers, ${range}. Solid line with circles: validations; dashed with squares: activations; dotted with triangles: failures.`}
        chart={
          <LineChart data={days} style={CHART_STYLE} responsive margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="label" tick={AXIS} minTickGap={12} />
            <YAxis allowDecimals={false} tick={AXIS} width={48} />
            <Tooltip />
            {/* In series order, each with its marker's shape as the legend icon. */}
            <Legend itemSorter={null} />
            {SERIES.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={s.dash}
                dot={marker(s.dot, s.color)}
                legendType={s.dot}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        }
        table={<DataTable caption="License API answers per day" columns={["Day", "Validations", "Activations", "Failures"]} rows={data.days.map((d) => [d.day, d.validations, d.activations, d.failures])} />}
      />

      <Figure
        id="chart-machines"
        title="Machines in use"
        description={`Machines activated and not deactivated at the end of each day, ${range}.`}
        chart={
          <LineChart data={days} style={CHART_STYLE} responsive margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="label" tick={AXIS} minTickGap={12} />
            <YAxis allowDecimals={false} tick={AXIS} width={48} />
            <Tooltip />
            <Line type="stepAfter" dataKey="activeMachines" name="Machines in use" stroke="#0f766e" strokeWidth={2} dot={marker("circle", "#0f766e")} isAnimationActive={false} />
          </LineChart>
        }
        table={<DataTable caption="Machines in use per day" columns={["Day", "Machines"]} rows={data.days.map((d) => [d.day, d.activeMachines])} />}
      />

      <Figure
        id="chart-new-licenses"
        title="New licenses per day"
        description={`Licenses issued (bought or by hand), ${range}.`}
        chart={
          <BarChart data={days} style={CHART_STYLE} responsive margin={{ top: 18, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="label" tick={AXIS} minTickGap={12} />
            <YAxis allowDecimals={false} tick={AXIS} width={48} />
            <Tooltip />
            <Bar dataKey="newLicenses" name="New licenses" fill="#4338ca" isAnimationActive={false}>
              {data.range <= 30 && <LabelList dataKey="newLicenses" position="top" fontSize={11} formatter={(v: unknown) => (v ? String(v) : "")} />}
            </Bar>
          </BarChart>
        }
        table={<DataTable caption="New licenses per day" columns={["Day", "New licenses"]} rows={data.days.map((d) => [d.day, d.newLicenses])} />}
      />

      <Figure
        id="chart-status"
        title="Licenses by status now"
        description="As the license API answers today: an active license past its expiry counts as expired. Each status has its own fill pattern and its count beside the bar."
        chart={
          <BarChart data={data.byStatus} layout="vertical" style={CHART_STYLE} responsive margin={{ top: 8, right: 40, bottom: 4, left: 8 }}>
            <Patterns />
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={AXIS} />
            <YAxis type="category" dataKey="status" tick={AXIS} width={90} />
            <Tooltip />
            <Bar dataKey="count" name="Licenses" isAnimationActive={false} stroke="#334155" fill="#64748b">
              <LabelList dataKey="count" position="right" fontSize={12} />
              {data.byStatus.map((s) => (
                <Cell key={s.status} fill={STATUS_FILL[s.status] ?? "#64748b"} />
              ))}
            </Bar>
          </BarChart>
        }
        table={<DataTable caption="Licenses by status" columns={["Status", "Licenses"]} rows={data.byStatus.map((s) => [s.status, s.count])} />}
      />

      {data.revenue.length === 0 ? (
        <div data-testid="chart-revenue" className="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2">
          <p className="font-semibold">Revenue per day</p>
          <p className="text-sm text-slate-600">No payments from {data.from} to {data.to}.</p>
        </div>
      ) : (
        data.revenue.map((series) => (
          <div key={series.currency} className="lg:col-span-2">
            <Figure
              id={`chart-revenue-${series.currency}`}
              title={`Revenue per day (${series.currency.toUpperCase()})`}
              description={`Payments collected through Stripe in ${series.currency.toUpperCase()}, ${range}: ${formatMoney(series.totalCents, series.currency)} in all.`}
              chart={
                <BarChart data={series.days.map((d) => ({ ...d, label: shortDay(d.day), amount: toMajorUnits(Number(d.amountCents), series.currency) }))} style={CHART_STYLE} responsive margin={{ top: 8, right: 12, bottom: 4, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
                  <XAxis dataKey="label" tick={AXIS} minTickGap={12} />
                  <YAxis tick={AXIS} width={72} tickFormatter={(v: number) => formatMoney(Math.round(v * 10 ** currencyExponent(series.currency)), series.currency)} />
                  <Tooltip formatter={(v: unknown) => formatMoney(Math.round(Number(v) * 10 ** currencyExponent(series.currency)), series.currency)} />
                  <Bar dataKey="amount" name="Revenue" fill="#047857" isAnimationActive={false} />
                </BarChart>
              }
              table={
                <DataTable
                  caption={`Revenue per day in ${series.currency.toUpperCase()}`}
                  columns={["Day", "Revenue"]}
                  rows={series.days.map((d) => [d.day, formatMoney(d.amountCents, series.currency)])}
                />
              }
            />
          </div>
        ))
      )}
    </div>
  );
}
