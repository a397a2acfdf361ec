// What a hand-off adds once applied (the usage.apply job's work, run here
// directly; usage-jobs.test.ts runs it through the engine): daily counters per
// UTC day, machines' last-seen times, and the answers shown on the admin license page.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { applyUsageBatches, UsageRecorder, usageRecorder } from "./usage-recorder";

setupTestDatabase();

describe("usageRecorder", () => {
  it("counts answers per UTC day, across midnight and out of order", async () => {
    const { license } = await createLicense();
    const e = { licenseId: license.id, endpoint: "validate", code: "VALID", valid: true };
    usageRecorder().record({ ...e, at: new Date("2031-03-04T23:59:59.999Z") });
    usageRecorder().record({ ...e, at: new Date("2031-03-05T00:00:00.000Z") });
    usageRecorder().record({ ...e, code: "EXPIRED", valid: false, at: new Date("2031-03-04T12:00:00Z") });
    usageRecorder().record({ ...e, endpoint: "activate", activated: true, at: new Date("2031-03-05T08:00:00Z") });
    await usageRecorder().flush();
    expect(await applyUsageBatches()).toBe(1);

    const { rows } = await db().query(
      "SELECT to_char(day, 'YYYY-MM-DD') AS day, validations, activations, failures FROM usage_daily WHERE license_id = $1 ORDER BY day",
      [license.id],
    );
    expect(rows).toEqual([
      { day: "2031-03-04", validations: 2, activations: 0, failures: 1 },
      { day: "2031-03-05", validations: 1, activations: 1, failures: 0 },
    ]);
  });

  it("writes each answer's exact time, and moves a machine's last-seen time only when it is more than a minute older", async () => {
    const { license } = await createLicense();
    const seenAt = new Date("2031-05-06T07:00:00.000Z");
    const { rows: machines } = await db().query<{ id: string }>(
      `INSERT INTO machines (license_id, fingerprint, last_seen_at) VALUES ($1, 'fp-1', $2), ($1, 'fp-2', $2) RETURNING id`,
      [license.id, seenAt],
    );
    const [first, second] = machines.map((m) => m.id);
    const at = new Date("2031-05-06T07:08:09.123Z");
    const answer = { licenseId: license.id, endpoint: "validate", code: "VALID", valid: true, ip: "203.0.113.9" };
    usageRecorder().record({ ...answer, machineId: first, fingerprint: "fp-1", at });
    // Less than a minute after the stored time: not worth a row write.
    usageRecorder().record({ ...answer, machineId: second, fingerprint: "fp-2", at: new Date(seenAt.getTime() + 59_000) });
    await usageRecorder().flush();
    expect(await applyUsageBatches()).toBe(1);

    const events = await db().query("SELECT endpoint, code, fingerprint, ip, at FROM validation_events WHERE license_id = $1 ORDER BY at", [license.id]);
    expect(events.rows).toEqual([
      { endpoint: "validate", code: "VALID", fingerprint: "fp-2", ip: "203.0.113.9", at: new Date(seenAt.getTime() + 59_000) },
      { endpoint: "validate", code: "VALID", fingerprint: "fp-1", ip: "203.0.113.9", at },
    ]);
    const seen = await db().query("SELECT fingerprint, last_seen_at FROM machines WHERE license_id = $1 ORDER BY fingerprint", [license.id]);
    expect(seen.rows).toEqual([
      { fingerprint: "fp-1", last_seen_at: at },
      { fingerprint: "fp-2", last_seen_at: seenAt },
    ]);
    // The license row itself is not rewritten (migration 20261206100000: half the job's database CPU).
    const row = await db().query("SELECT last_validated_at, updated_at FROM licenses WHERE id = $1", [license.id]);
    expect(row.rows).toEqual([{ last_validated_at: null, updated_at: license.updatedAt }]);
  });

  it("counts a refused answer naming a machine as a sighting of it (the admin API's lastSeenAt: the last request from it)", async () => {
    const { license } = await createLicense();
    const seenAt = new Date("2031-05-06T07:00:00.000Z");
    const { rows } = await db().query<{ id: string }>(`INSERT INTO machines (license_id, fingerprint, last_seen_at) VALUES ($1, 'fp-1', $2) RETURNING id`, [
      license.id,
      seenAt,
    ]);
    const at = new Date("2031-05-06T09:00:00.000Z");
    usageRecorder().record({ licenseId: license.id, endpoint: "validate", code: "SUSPENDED", valid: false, machineId: rows[0]!.id, fingerprint: "fp-1", ip: null, at });
    await usageRecorder().flush();
    expect(await applyUsageBatches()).toBe(1);
    const seen = await db().query("SELECT last_seen_at FROM machines WHERE id = $1", [rows[0]!.id]);
    expect(seen.rows).toEqual([{ last_seen_at: at }]);
  });

  it("applies a batch handed off before the job stopped writing licenses' last-validated time (its licenseSeen is ignored)", async () => {
    const { license } = await createLicense();
    const data = { counters: [[license.id, "2031-05-07", 3, 0, 0]], licenseSeen: [[license.id, "2031-05-07T10:00:00.000Z"]], machineSeen: [], events: [] };
    await db().query("INSERT INTO usage_batches (data) VALUES ($1::jsonb)", [JSON.stringify(data)]);
    expect(await applyUsageBatches()).toBe(1);
    const { rows } = await db().query("SELECT validations FROM usage_daily WHERE license_id = $1", [license.id]);
    expect(rows).toEqual([{ validations: 3 }]);
  });

  it("lists a repeat of the license's last listed answer again only after a minute, and counts every answer", async () => {
    const { license } = await createLicense();
    const { license: other } = await createLicense();
    const t0 = Date.parse("2031-06-01T10:00:00Z");
    const at = (seconds: number) => new Date(t0 + seconds * 1000);
    const same = { licenseId: license.id, endpoint: "validate", code: "VALID", valid: true, fingerprint: "fp-1", ip: "203.0.113.9" };
    const recorder = new UsageRecorder();
    recorder.record({ ...same, at: at(0) }); // listed
    recorder.record({ ...same, at: at(5) }); // a repeat within the minute: counted only
    recorder.record({ ...same, at: at(59.999) }); // still within it
    recorder.record({ ...same, licenseId: other.id, at: at(1) }); // another license: its own list
    recorder.record({ ...same, ip: "198.51.100.7", at: at(10) }); // another client address: listed
    recorder.record({ ...same, ip: "198.51.100.7", at: at(11) }); // its repeat: counted only
    recorder.record({ ...same, fingerprint: "fp-2", at: at(12) }); // another machine: listed
    recorder.record({ ...same, code: "EXPIRED", valid: false, at: at(13) }); // another code: listed
    recorder.record({ ...same, endpoint: "heartbeat", at: at(14) }); // another endpoint: listed
    recorder.record({ ...same, at: at(15) }); // differs from the last listed (the heartbeat): listed
    recorder.record({ ...same, at: at(20) }); // a repeat: counted only
    await recorder.flush();
    recorder.record({ ...same, at: at(75) }); // a minute after the last listing, in the next hand-off: listed
    recorder.record({ ...same, at: at(80) }); // a repeat again
    await recorder.flush();
    expect(await applyUsageBatches()).toBe(2);

    const { rows } = await db().query<{ endpoint: string; code: string; fingerprint: string; ip: string; at: Date }>(
      "SELECT endpoint, code, fingerprint, ip, at FROM validation_events WHERE license_id = $1 ORDER BY at",
      [license.id],
    );
    expect(rows.map((r) => [r.endpoint, r.code, r.fingerprint, r.ip, (r.at.getTime() - t0) / 1000])).toEqual([
      ["validate", "VALID", "fp-1", "203.0.113.9", 0],
      ["validate", "VALID", "fp-1", "198.51.100.7", 10],
      ["validate", "VALID", "fp-2", "203.0.113.9", 12],
      ["validate", "EXPIRED", "fp-1", "203.0.113.9", 13],
      ["heartbeat", "VALID", "fp-1", "203.0.113.9", 14],
      ["validate", "VALID", "fp-1", "203.0.113.9", 15],
      ["validate", "VALID", "fp-1", "203.0.113.9", 75],
    ]);
    const listedOther = await db().query("SELECT count(*)::int AS n FROM validation_events WHERE license_id = $1", [other.id]);
    expect(listedOther.rows).toEqual([{ n: 1 }]);
    // Every answer counted, listed or not.
    const counts = await db().query("SELECT validations, failures FROM usage_daily WHERE license_id = $1", [license.id]);
    expect(counts.rows).toEqual([{ validations: 12, failures: 1 }]);
  });
});
