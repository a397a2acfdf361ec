// The dashboard's figures over the last 7, 30 or 90 days (UTC days, today
// included): license API traffic per day (usage_daily, written in batches by
// lib/analytics), machines in use at the end of each day, new licenses per day,
// revenue per day per currency (one Payment row per sum Stripe collected, see
// lib/payments/webhooks/payments.ts), release downloads per day and per release
// (release_downloads, counted by lib/releases/downloads.ts), and licenses by status now. Every query
// groups in the database; days without rows are filled with zeros here. Licenses by status and
// machines per day come from counts the database keeps (exact), the seats held now from a count
// taken every few minutes (dashboard-counters.ts): counting the whole tables on each view took
// seconds at 10⁶ licenses.
import { sumMinorUnits } from "../catalog/money";
import { prisma } from "../db/client";
import { parseDecimalInteger } from "../http/input";
import { licensesByStatus, machineChangesByDay, seatsInUse } from "./dashboard-counters";
import { LICENSE_STATUSES } from "./license-search";

export const RANGES = [7, 30, 90] as const;
export type Range = (typeof RANGES)[number];

const DAY_MS = 86_400_000;

export type DayFigures = {
  day: string;
  validations: number;
  activations: number;
  failures: number;
  activeMachines: number;
  newLicenses: number;
  downloads: number;
};
/** Downloads of one release in the range (a download: its bytes requested from the start). */
export type ReleaseDownloads = { releaseId: string; product: string; version: string; downloads: number };
/** Amounts in minor units as bigints: sums of `payments.amount_cents` (bigint) stay exact past 2^53. */
export type RevenueSeries = { currency: string; totalCents: bigint; days: { day: string; amountCents: bigint }[] };

export type Dashboard = {
  range: Range;
  from: string;
  to: string;
  days: DayFigures[];
  revenue: RevenueSeries[];
  byStatus: { status: (typeof LICENSE_STATUSES)[number]; count: number }[];
  /** the most downloaded releases of the range, most first (at most 10) */
  releaseDownloads: ReleaseDownloads[];
  /** when totals.activeMachinesNow was counted (every few minutes; never more than 15 minutes before the view) */
  seatsCountedAt: Date;
  totals: { validations: number; activations: number; failures: number; newLicenses: number; activeMachinesNow: number; licenses: number; downloads: number };
};

export function parseRange(value: unknown): Range {
  // Decimal digits only: Number() read "0x1e" and "3e1" as 30, and a repeated ?range= (an array) as its one item.
  const n = typeof value === "string" ? parseDecimalInteger(value) : null;
  return n !== null && (RANGES as readonly number[]).includes(n) ? (n as Range) : 30;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function dayList(from: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) => isoDay(new Date(from.getTime() + i * DAY_MS)));
}

export async function loadDashboard(range: Range, now = new Date()): Promise<Dashboard> {
  const today = new Date(`${isoDay(now)}T00:00:00Z`);
  const from = new Date(today.getTime() - (range - 1) * DAY_MS);
  const end = new Date(today.getTime() + DAY_MS);
  const days = dayList(from, range);
  const db = prisma();

  // Days travel as 'YYYY-MM-DD' text both ways, so no session time zone can shift them.
  const [usage, machines, created, payments, statuses, seats, downloads, byRelease] = await Promise.all([
    db.$queryRaw<{ day: string; validations: number; activations: number; failures: number }[]>`
      SELECT day::text AS day, sum(validations)::int AS validations, sum(activations)::int AS activations, sum(failures)::int AS failures
      FROM usage_daily WHERE day >= ${isoDay(from)}::date AND day < ${isoDay(end)}::date GROUP BY day`,
    // Machines in use at the end of each day = activated so far − deactivated so far (a machine is
    // deactivated after its activation; a revived one is active again with no deactivation), from
    // the per-day counts the database keeps (dashboard-counters.ts), those before the range on its
    // first day, summed up below.
    machineChangesByDay(isoDay(from), isoDay(end)),
    db.$queryRaw<{ day: string; count: number }[]>`
      SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS count
      FROM licenses WHERE created_at >= ${from} AND created_at < ${end} GROUP BY 1`,
    // As text: a numeric sum of bigints is exact, a float8 one rounds past 2^53 (lib/catalog/money.ts).
    db.$queryRaw<{ day: string; currency: string; cents: string }[]>`
      SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, currency, sum(amount_cents)::text AS cents
      FROM payments WHERE created_at >= ${from} AND created_at < ${end} GROUP BY 1, 2`,
    // The status the license API would answer (an ACTIVE license past its expiry is EXPIRED): exact, from kept counts.
    licensesByStatus(now),
    // Seats held now: counted every few minutes over the whole machines table (dashboard-counters.ts).
    seatsInUse(now),
    db.$queryRaw<{ day: string; count: number }[]>`
      SELECT day::text AS day, sum(downloads)::int AS count
      FROM release_downloads WHERE day >= ${isoDay(from)}::date AND day < ${isoDay(end)}::date GROUP BY day`,
    db.$queryRaw<ReleaseDownloads[]>`
      SELECT r.id AS "releaseId", p.slug AS product, r.version, sum(d.downloads)::int AS downloads
      FROM release_downloads d JOIN releases r ON r.id = d.release_id JOIN products p ON p.id = r.product_id
      WHERE d.day >= ${isoDay(from)}::date AND d.day < ${isoDay(end)}::date
      GROUP BY r.id, p.slug, r.version ORDER BY downloads DESC, p.slug, r.version LIMIT 10`,
  ]);

  const byDay = <T extends { day: string }>(rows: T[]) => new Map(rows.map((r) => [r.day, r]));
  const usageBy = byDay(usage);
  const machineChanges = byDay(machines);
  let inUse = 0;
  const machinesBy = new Map(
    days.map((day) => {
      const change = machineChanges.get(day);
      inUse += (change?.activated ?? 0) - (change?.deactivated ?? 0);
      return [day, inUse];
    }),
  );
  const createdBy = byDay(created);
  const downloadsBy = byDay(downloads);
  const figures: DayFigures[] = days.map((day) => ({
    day,
    validations: usageBy.get(day)?.validations ?? 0,
    activations: usageBy.get(day)?.activations ?? 0,
    failures: usageBy.get(day)?.failures ?? 0,
    activeMachines: machinesBy.get(day) ?? 0,
    newLicenses: createdBy.get(day)?.count ?? 0,
    downloads: downloadsBy.get(day)?.count ?? 0,
  }));

  const currencies = [...new Set(payments.map((p) => p.currency))].sort();
  const revenue = currencies.map((currency) => {
    const amounts = new Map(payments.filter((p) => p.currency === currency).map((p) => [p.day, BigInt(p.cents)]));
    const series = days.map((day) => ({ day, amountCents: amounts.get(day) ?? 0n }));
    return { currency, totalCents: sumMinorUnits(series.map((d) => d.amountCents)), days: series };
  });

  const byStatus = LICENSE_STATUSES.map((status) => ({ status, count: statuses.get(status) ?? 0 }));
  const sum = (field: keyof Omit<DayFigures, "day">) => figures.reduce((total, d) => total + d[field], 0);

  return {
    range,
    from: days[0] ?? isoDay(from),
    to: isoDay(today),
    days: figures,
    revenue,
    byStatus,
    releaseDownloads: byRelease,
    seatsCountedAt: seats.takenAt,
    totals: {
      validations: sum("validations"),
      activations: sum("activations"),
      failures: sum("failures"),
      newLicenses: sum("newLicenses"),
      activeMachinesNow: seats.seats,
      licenses: byStatus.reduce((total, s) => total + s.count, 0),
      downloads: sum("downloads"),
    },
  };
}
