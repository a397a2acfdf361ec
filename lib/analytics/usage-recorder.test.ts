// What a hand-off adds once applied (the usage.apply job's work, run here
// directly; usage-jobs.test.ts runs it through the engine): daily counters per
// UTC day, last-seen times, and the answers shown on the admin license page.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { applyUsageBatches, usageRecorder } from "./usage-recorder";

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

  it("writes each answer's exact time and the license's last-seen time", async () => {
    const { license } = await createLicense();
    const at = new Date("2031-05-06T07:08:09.123Z");
    usageRecorder().record({ licenseId: license.id, endpoint: "validate", code: "VALID", valid: true, fingerprint: "fp-1", ip: "203.0.113.9", at });
    await usageRecorder().flush();
    expect(await applyUsageBatches()).toBe(1);

    const events = await db().query("SELECT endpoint, code, fingerprint, ip, at FROM validation_events WHERE license_id = $1", [license.id]);
    expect(events.rows).toEqual([{ endpoint: "validate", code: "VALID", fingerprint: "fp-1", ip: "203.0.113.9", at }]);
    const seen = await db().query("SELECT last_validated_at FROM licenses WHERE id = $1", [license.id]);
    expect(seen.rows[0].last_validated_at).toEqual(at);
  });
});
