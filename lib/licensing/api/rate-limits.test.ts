// Rate limits of the client endpoints: per client IP and, separately, per key.
import { describe, expect, it } from "vitest";
import { call } from "../../test/api-client";
import { setupTestDatabase } from "../../test/database";
import { createLicense } from "../../test/licenses";

process.env.RATE_LIMIT_PER_MINUTE = "5";
delete process.env.REDIS_URL;
setupTestDatabase();

describe("rate limits", () => {
  it("answers 429 with Retry-After and RateLimit headers once an IP used its budget, signed", async () => {
    const { key } = await createLicense();
    for (let i = 0; i < 5; i++) {
      const ok = await call("/api/v1/licenses/validate", { key }, { ip: "198.51.100.1" });
      expect(ok.status).toBe(200);
      expect(ok.headers["RateLimit-Limit"]).toBe("5");
      expect(ok.headers["RateLimit-Remaining"]).toBe(String(4 - i));
    }
    const limited = await call("/api/v1/licenses/validate", { key: "ZP-AAAAA-AAAAA-AAAAA-AAAAA" }, { ip: "198.51.100.1" });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers["Retry-After"])).toBeGreaterThan(0);
    expect(Number(limited.headers["RateLimit-Reset"])).toBeGreaterThan(0);
    expect(limited.headers["RateLimit-Remaining"]).toBe("0");
    expect(limited.headers["License-Signature"]).toBeDefined();
    // Another client is not affected.
    expect((await call("/api/v1/licenses/validate", { key: "ZP-AAAAA-AAAAA-AAAAA-AAAAA" }, { ip: "198.51.100.2" })).status).toBe(200);
  });

  it("limits one key across many IPs", async () => {
    const { key } = await createLicense();
    for (let i = 0; i < 5; i++) expect((await call("/api/v1/licenses/validate", { key }, { ip: `192.0.2.${i + 10}` })).status).toBe(200);
    const res = await call("/api/v1/licenses/validate", { key: key.toLowerCase() }, { ip: "192.0.2.99" });
    expect(res.status).toBe(429);
  });

  it("counts malformed requests against the IP", async () => {
    for (let i = 0; i < 5; i++) expect((await call("/api/v1/licenses/validate", undefined, { ip: "198.51.100.50", raw: Buffer.from("x") })).status).toBe(400);
    expect((await call("/api/v1/licenses/validate", undefined, { ip: "198.51.100.50", raw: Buffer.from("x") })).status).toBe(429);
  });
});
