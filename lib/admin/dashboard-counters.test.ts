// The dashboard's figures from the counts the database keeps (dashboard-counters.ts)
// must stay what counting the whole tables gives, whatever statements changed the
// rows: bulk updates, deletes, revivals, transfers, and before and after the deltas
// are folded. The oracle is the dashboard's former whole-table SQL.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { loadDashboard } from "./dashboard";
import { foldCounters, licensesPerPlan, SEAT_SNAPSHOT_MAX_AGE_MS, takeSeatSnapshot } from "./dashboard-counters";

setupTestDatabase();

const NOW = new Date("2041-03-10T12:00:00Z");
const at = (iso: string) => new Date(iso);

/** Licenses by the status the license API answers at `now`, counted over the whole table. */
async function statusesByScan(now: Date) {
  const { rows } = await db().query<{ status: string; count: number }>(
    `SELECT CASE WHEN status = 'ACTIVE' AND expires_at IS NOT NULL AND expires_at <= $1 THEN 'EXPIRED' ELSE status::text END AS status,
            count(*)::int AS count FROM licenses GROUP BY 1`,
    [now],
  );
  const counts = new Map(rows.map((r) => [r.status, r.count]));
  return ["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"].map((status) => ({ status, count: counts.get(status) ?? 0 }));
}

/** Machines activated and not yet deactivated at the end of each of the dashboard's days, over the whole table. */
async function machinesInUseByScan(days: string[]) {
  const { rows } = await db().query<{ day: string; count: number }>(
    `SELECT d::date::text AS day, (SELECT count(*)::int FROM machines
       WHERE activated_at < d + interval '1 day' AND (deactivated_at IS NULL OR deactivated_at >= d + interval '1 day')) AS count
     FROM unnest($1::timestamptz[]) AS d`,
    [days.map((d) => `${d}T00:00:00Z`)],
  );
  return rows.map((r) => r.count);
}

/** Licenses per plan (plans without licenses left out), counted over the whole table. */
async function licensesPerPlanByScan() {
  const { rows } = await db().query<{ plan_id: string; count: number }>(`SELECT plan_id, count(*)::int AS count FROM licenses GROUP BY 1`);
  return new Map(rows.map((r) => [r.plan_id, r.count]));
}

async function expectFiguresAsByScan(now: Date) {
  const dashboard = await loadDashboard(7, now);
  expect(dashboard.byStatus).toEqual(await statusesByScan(now));
  expect(dashboard.days.map((d) => d.activeMachines)).toEqual(await machinesInUseByScan(dashboard.days.map((d) => d.day)));
  expect(dashboard.totals.licenses).toBe(await prisma().license.count());
  const planIds = (await prisma().plan.findMany({ select: { id: true } })).map((p) => p.id);
  expect(await licensesPerPlan(planIds)).toEqual(await licensesPerPlanByScan());
}

let licenseIds: string[] = [];

beforeAll(async () => {
  const made = [];
  for (let i = 0; i < 6; i++) made.push(await createLicense({ expiresAt: at("2041-06-01T00:00:00Z") }));
  licenseIds = made.map((m) => m.license.id);
  // Machines over the week before NOW, some deactivated inside it.
  await prisma().machine.createMany({
    data: licenseIds.flatMap((licenseId, i) => [
      { licenseId, fingerprint: `a${i}`, activatedAt: at(`2041-03-0${1 + i}T10:00:00Z`) },
      { licenseId, fingerprint: `b${i}`, activatedAt: at("2041-02-20T10:00:00Z"), deactivatedAt: at(`2041-03-0${4 + (i % 4)}T08:00:00Z`) },
    ]),
  });
});

describe("the dashboard's kept counts", () => {
  it("match counting the whole tables after inserts", async () => {
    await expectFiguresAsByScan(NOW);
  });

  it("follow bulk status and expiry changes, deletes and machine revivals and transfers, before and after folding", async () => {
    // One statement changing several licenses' status, another moving expiries into the past and to "never".
    await prisma().license.updateMany({ where: { id: { in: licenseIds.slice(0, 3) } }, data: { status: "SUSPENDED" } });
    await prisma().license.updateMany({ where: { id: { in: licenseIds.slice(2, 5) } }, data: { expiresAt: at("2041-01-15T00:00:00Z") } });
    await prisma().license.update({ where: { id: licenseIds[5]! }, data: { expiresAt: null, status: "REVOKED" } });
    // Licenses moved to another plan in one statement (a plan change), two of them onto one plan.
    const target = await prisma().license.findUniqueOrThrow({ where: { id: licenseIds[0]! } });
    await prisma().license.updateMany({ where: { id: { in: licenseIds.slice(1, 3) } }, data: { planId: target.planId } });
    // Updates that move neither status nor expiry day change nothing.
    await prisma().license.updateMany({ data: { cancelAtPeriodEnd: true } });
    await prisma().machine.updateMany({ data: { lastSeenAt: NOW } });
    // Deactivate a week-old machine, revive a deactivated one, move one to another license.
    await prisma().machine.updateMany({ where: { fingerprint: "a0" }, data: { deactivatedAt: at("2041-03-09T09:00:00Z") } });
    await prisma().machine.updateMany({ where: { fingerprint: "b1" }, data: { deactivatedAt: null } });
    await prisma().machine.updateMany({ where: { fingerprint: "a2" }, data: { licenseId: licenseIds[3]!, activatedAt: at("2041-03-08T00:00:00Z") } });
    await expectFiguresAsByScan(NOW);
    // A license deleted with its machines (cascade) leaves the counts.
    await prisma().license.delete({ where: { id: licenseIds[4]! } });
    await expectFiguresAsByScan(NOW);

    const folded = await foldCounters();
    expect(folded.after).toBeLessThan(folded.before);
    await expectFiguresAsByScan(NOW);
    // Folding twice changes nothing.
    await foldCounters();
    await expectFiguresAsByScan(NOW);
  });

  it("count a license that expires today as EXPIRED from its instant on, not from the day's start", async () => {
    const today = await createLicense({ expiresAt: at("2041-03-10T18:00:00Z") });
    const morning = await statusesByScan(at("2041-03-10T17:59:59Z"));
    expect((await loadDashboard(7, at("2041-03-10T17:59:59Z"))).byStatus).toEqual(morning);
    const evening = await loadDashboard(7, at("2041-03-10T18:00:00Z"));
    expect(evening.byStatus).toEqual(await statusesByScan(at("2041-03-10T18:00:00Z")));
    expect(evening.byStatus.find((s) => s.status === "EXPIRED")!.count).toBe(morning.find((s) => s.status === "EXPIRED")!.count + 1);
    await prisma().license.delete({ where: { id: today.license.id } });
  });

  it("empty with a TRUNCATE of the tables", async () => {
    await db().query("TRUNCATE machines");
    await expectFiguresAsByScan(NOW);
  });
});

describe("the seats held now", () => {
  it("are shown as last counted, with the time counted, and recounted once older than 15 minutes", async () => {
    const seatNow = at("2042-01-01T10:00:00Z");
    const { license } = await createLicense({ expiresAt: null, maxMachines: 3 });
    await prisma().machine.create({ data: { licenseId: license.id, fingerprint: "s1", activatedAt: at("2041-12-31T00:00:00Z") } });
    const counted = await takeSeatSnapshot(seatNow);
    expect(counted).toEqual({ seats: 1, takenAt: seatNow });

    // A machine activated after the count shows at the next count, not before.
    await prisma().machine.create({ data: { licenseId: license.id, fingerprint: "s2", activatedAt: at("2041-12-31T00:00:00Z") } });
    const soon = await loadDashboard(7, new Date(seatNow.getTime() + SEAT_SNAPSHOT_MAX_AGE_MS));
    expect(soon.totals.activeMachinesNow).toBe(1);
    expect(soon.seatsCountedAt).toEqual(seatNow);

    const later = new Date(seatNow.getTime() + SEAT_SNAPSHOT_MAX_AGE_MS + 1000);
    const stale = await loadDashboard(7, later);
    expect(stale.totals.activeMachinesNow).toBe(2);
    expect(stale.seatsCountedAt).toEqual(later);
  });
});

/**
 * The seats held at `now` as the dashboard first counted them, every live machine joined to its
 * license and plan, with seats below 0 read as 0 as decision.ts seatHolders does.
 */
async function seatsByJoin(now: Date): Promise<number> {
  const { rows } = await db().query<{ seats: string }>(
    `SELECT coalesce(sum(least(live.n, greatest(coalesce(l.max_machines, p.max_machines), 0))), 0)::text AS seats
     FROM (
       SELECT m.license_id, count(*) AS n FROM machines m JOIN licenses l ON l.id = m.license_id JOIN plans p ON p.id = l.plan_id
       WHERE m.deactivated_at IS NULL AND (NOT p.floating OR m.heartbeat_deadline IS NULL OR m.heartbeat_deadline > $1)
       GROUP BY m.license_id
     ) live JOIN licenses l ON l.id = live.license_id JOIN plans p ON p.id = l.plan_id`,
    [now],
  );
  return Number(rows[0]!.seats);
}

describe("the seat count", () => {
  const countNow = at("2043-05-05T05:05:05.005Z");
  // A deadline as stored: relative to the count's instant in ms, or one of PostgreSQL's infinities.
  const deadline = fc.oneof(
    fc.constant(null),
    fc.constantFrom(-3_600_000, -1, 0, 1, 3_600_000),
    fc.constantFrom("infinity", "-infinity"),
  );
  const machine = fc.record({ deactivated: fc.boolean(), deadline });
  // Seats below 1 are refused by every form and API; a row written by hand may still hold them.
  const seats = fc.constantFrom(-1, 0, 1, 2, 3);
  const world = fc.record({
    plans: fc.tuple(fc.record({ seats, floating: fc.boolean() }), fc.record({ seats, floating: fc.boolean() })),
    licenses: fc.array(
      fc.record({ plan: fc.constantFrom(0, 1), seats: fc.option(seats, { nil: null }), machines: fc.array(machine, { maxLength: 4 }) }),
      { minLength: 4, maxLength: 4 },
    ),
  });
  let plans: string[] = [];
  let licenses: string[] = [];

  beforeAll(async () => {
    const made = [await createLicense({ floating: true }), await createLicense({ floating: false })];
    plans = made.map((m) => m.plan.id);
    licenses = [...made.map((m) => m.license.id), (await createLicense()).license.id, (await createLicense()).license.id];
  });

  it("is Σ least(live machines, seats) over the licenses, whatever the plans, seats, deadlines and deactivations", async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        for (const [i, plan] of w.plans.entries()) {
          await db().query(`UPDATE plans SET max_machines = $2, floating = $3 WHERE id = $1`, [plans[i], plan.seats, plan.floating]);
        }
        await db().query(`DELETE FROM machines WHERE license_id = ANY($1::uuid[])`, [licenses]);
        for (const [i, license] of w.licenses.entries()) {
          await db().query(`UPDATE licenses SET plan_id = $2, max_machines = $3 WHERE id = $1`, [licenses[i], plans[license.plan], license.seats]);
          for (const [j, m] of license.machines.entries()) {
            const stored = typeof m.deadline === "number" ? new Date(countNow.getTime() + m.deadline).toISOString() : m.deadline;
            await db().query(
              `INSERT INTO machines (license_id, fingerprint, activated_at, heartbeat_deadline, deactivated_at) VALUES ($1, $2, $3, $4::timestamptz, $5)`,
              [licenses[i], `seat-${j}`, at("2043-05-01T00:00:00Z"), stored, m.deactivated ? at("2043-05-02T00:00:00Z") : null],
            );
          }
        }
        const counted = await takeSeatSnapshot(countNow);
        expect(counted).toEqual({ seats: await seatsByJoin(countNow), takenAt: countNow });
      }),
      { numRuns: 60 },
    );
    await db().query(`DELETE FROM seat_snapshots WHERE taken_at = $1`, [countNow]);
  });
});
