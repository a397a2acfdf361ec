// The dashboard's figures against a real database, on a clock set in 2040 so
// that only the rows written here fall inside the range.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { countDownload } from "../releases/downloads";
import { createLicense } from "../test/licenses";
import { loadDashboard, parseRange, type Dashboard } from "./dashboard";

setupTestDatabase();

const NOW = new Date("2040-01-10T15:00:00Z");
const at = (iso: string) => new Date(iso);
let week: Dashboard;

beforeAll(async () => {
  const a = await createLicense({ durationDays: null });
  const b = await createLicense({ status: "SUSPENDED" });
  const c = await createLicense({ status: "REVOKED" });
  // Valid today, expired by 2040: the dashboard counts it as the API would then.
  const d = await createLicense({ expiresAt: at("2039-06-01T00:00:00Z") });
  const floating = await createLicense({ floating: true });

  await prisma().usageDaily.createMany({
    data: [
      { licenseId: a.license.id, day: at("2040-01-05"), validations: 10, activations: 2, failures: 1 },
      { licenseId: b.license.id, day: at("2040-01-05"), validations: 1, activations: 0, failures: 1 },
      { licenseId: a.license.id, day: at("2040-01-10"), validations: 5, activations: 0, failures: 0 },
      { licenseId: a.license.id, day: at("2040-01-03"), validations: 100, activations: 100, failures: 100 }, // before the range
    ],
  });
  await prisma().license.update({ where: { id: a.license.id }, data: { createdAt: at("2040-01-05T23:59:59Z") } });
  await prisma().license.update({ where: { id: b.license.id }, data: { createdAt: at("2040-01-06T00:00:00Z") } });
  await prisma().license.update({ where: { id: c.license.id }, data: { createdAt: at("2040-01-03T12:00:00Z") } });
  await prisma().payment.createMany({
    data: [
      { userId: a.user.id, licenseId: a.license.id, amountCents: 4900, currency: "usd", createdAt: at("2040-01-06T08:00:00Z") },
      { userId: b.user.id, licenseId: b.license.id, amountCents: 100, currency: "usd", createdAt: at("2040-01-06T22:00:00Z") },
      { userId: c.user.id, licenseId: c.license.id, amountCents: 2000, currency: "eur", createdAt: at("2040-01-07T01:00:00Z") },
      { userId: c.user.id, licenseId: c.license.id, amountCents: 999, currency: "usd", createdAt: at("2040-01-02T01:00:00Z") }, // before
    ],
  });
  await prisma().machine.createMany({
    data: [
      { licenseId: a.license.id, fingerprint: "m1", activatedAt: at("2040-01-05T10:00:00Z"), deactivatedAt: at("2040-01-08T10:00:00Z") },
      { licenseId: a.license.id, fingerprint: "m2", activatedAt: at("2040-01-09T10:00:00Z") },
      { licenseId: d.license.id, fingerprint: "m3", activatedAt: at("2040-01-01T10:00:00Z") },
      // Floating, past its heartbeat deadline: no seat now, though never deactivated.
      { licenseId: floating.license.id, fingerprint: "m4", activatedAt: at("2040-01-01T10:00:00Z"), heartbeatDeadline: at("2040-01-10T14:00:00Z") },
    ],
  });
  // Downloads as serving a file counts them (lib/releases/downloads.ts), on days in and out of the range.
  const productId = a.plan.productId;
  const release = async (version: string) => {
    const r = await prisma().release.create({ data: { productId, version, publishedAt: at("2039-12-01T00:00:00Z") } });
    const file = await prisma().artifact.create({
      data: { releaseId: r.id, filename: `App-${version}.zip`, platform: "any", arch: "any", size: 1n, sha256: "0", sha512: "0", storageKey: `k/${version}` },
    });
    return { releaseId: r.id, artifactId: file.id };
  };
  const v1 = await release("1.0.0");
  const v2 = await release("2.0.0");
  for (const when of ["2040-01-05T01:00:00Z", "2040-01-05T23:00:00Z", "2040-01-10T09:00:00Z", "2040-01-02T09:00:00Z"]) await countDownload(v2.releaseId, v2.artifactId, at(when));
  await countDownload(v1.releaseId, v1.artifactId, at("2040-01-06T12:00:00Z"));
  await countDownload(v1.releaseId, v1.artifactId, at("2039-12-30T12:00:00Z"));
  week = await loadDashboard(7, NOW);
});

describe("loadDashboard", () => {
  it("covers the last 7 UTC days, today included, with a zero for days without data", () => {
    expect(week.from).toBe("2040-01-04");
    expect(week.to).toBe("2040-01-10");
    expect(week.days.map((d) => d.day)).toEqual(["2040-01-04", "2040-01-05", "2040-01-06", "2040-01-07", "2040-01-08", "2040-01-09", "2040-01-10"]);
  });

  it("sums validations, activations and failures per day across licenses", () => {
    expect(week.days.map((d) => [d.validations, d.activations, d.failures])).toEqual([[0, 0, 0], [11, 2, 2], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [5, 0, 0]]);
    expect(week.totals).toMatchObject({ validations: 16, activations: 2, failures: 2 });
  });

  it("counts new licenses by their UTC creation day", () => {
    expect(week.days.map((d) => d.newLicenses)).toEqual([0, 1, 1, 0, 0, 0, 0]);
    expect(week.totals.newLicenses).toBe(2);
  });

  it("counts machines activated and not yet deactivated at the end of each day", () => {
    expect(week.days.map((d) => d.activeMachines)).toEqual([2, 3, 3, 3, 2, 3, 3]);
  });

  it("counts the seats held now, without floating machines past their heartbeat", () => {
    expect(week.totals.activeMachinesNow).toBe(2);
  });

  it("keeps revenue per currency, never adding currencies together", () => {
    expect(week.revenue.map((r) => [r.currency, r.totalCents])).toEqual([["eur", 2000n], ["usd", 5000n]]);
    expect(week.revenue.find((r) => r.currency === "usd")?.days.map((d) => d.amountCents)).toEqual([0n, 0n, 5000n, 0n, 0n, 0n, 0n]);
  });

  it("counts licenses by the status the license API would answer at that time", () => {
    expect(week.byStatus).toEqual([
      { status: "ACTIVE", count: 2 },
      { status: "SUSPENDED", count: 1 },
      { status: "REVOKED", count: 1 },
      { status: "EXPIRED", count: 1 },
    ]);
    expect(week.totals.licenses).toBe(5);
  });

  it("counts release downloads per UTC day and per release, most downloaded first", async () => {
    expect(week.days.map((d) => d.downloads)).toEqual([0, 2, 1, 0, 0, 0, 1]);
    expect(week.totals.downloads).toBe(4);
    expect(week.releaseDownloads.map((r) => [r.version, r.downloads])).toEqual([["2.0.0", 3], ["1.0.0", 1]]);
    const month = await loadDashboard(30, NOW);
    expect(month.releaseDownloads.map((r) => [r.version, r.downloads])).toEqual([["2.0.0", 4], ["1.0.0", 2]]);
  });

  it("widens to 30 and 90 days", async () => {
    const month = await loadDashboard(30, NOW);
    expect(month.days).toHaveLength(30);
    expect(month.from).toBe("2039-12-12");
    expect(month.totals.validations).toBe(116);
    expect((await loadDashboard(90, NOW)).days).toHaveLength(90);
  });
});

describe("parseRange", () => {
  it("accepts 7, 30 and 90 and falls back to 30", () => {
    expect([parseRange("7"), parseRange("90"), parseRange("30"), parseRange("15"), parseRange(undefined), parseRange("x"), parseRange("0x7"), parseRange(" 7"), parseRange("7e0"), parseRange(["7"])]).toEqual([7, 90, 30, 30, 30, 30, 30, 30, 30, 30]);
  });
});
