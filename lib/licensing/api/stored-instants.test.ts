// API.md "Input domain": no stored value may make an endpoint fail. Extreme
// instants written straight into the table (PostgreSQL's infinity, years far
// outside 0001-9999) still get a signed 200 from the license API.
import { describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { call } from "../../test/api-client";
import { setupTestDatabase } from "../../test/database";
import { createLicense } from "../../test/licenses";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();

describe("extreme stored instants on the license API", () => {
  it.each([
    ["infinity", "VALID"],
    ["-infinity", "EXPIRED"],
    ["200000-01-01T00:00:00Z", "VALID"],
    ["0001-01-01T00:00:00Z BC", "EXPIRED"],
  ])("expires_at = %s answers %s, signed, and never 5xx", async (stored, code) => {
    const { key, license } = await createLicense({ maxMachines: 2, floating: true });
    expect((await call("/api/v1/licenses/activate", { key, fingerprint: "fp" })).status).toBe(201);
    await db().query("UPDATE licenses SET expires_at = $2::timestamptz WHERE id = $1", [license.id, stored]);
    await db().query("UPDATE machines SET heartbeat_deadline = 'infinity', last_seen_at = $2::timestamptz WHERE license_id = $1", [license.id, stored]);
    for (const path of ["/api/v1/licenses/validate", "/api/v1/licenses/heartbeat", "/api/v1/licenses/offline"]) {
      const res = await call(path, { key, fingerprint: "fp" });
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers["License-Signature"]).toBeTruthy();
    }
    const res = await call("/api/v1/licenses/validate", { key, fingerprint: "fp" });
    expect(res.json.code).toBe(code);
    expect(typeof res.json.license.expiresAt).toBe("string");
  });
});
