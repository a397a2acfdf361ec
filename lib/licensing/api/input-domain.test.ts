// API.md "Input domain" on the client endpoints: text with U+0000 or unpaired
// surrogates is a 400 that writes nothing, in every text field of every endpoint.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { db } from "../../db/client";
import { call } from "../../test/api-client";
import { setupTestDatabase } from "../../test/database";
import { createLicense } from "../../test/licenses";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();

async function machineCount(licenseId: string): Promise<number> {
  return Number((await db().query("SELECT count(*)::int AS n FROM machines WHERE license_id = $1", [licenseId])).rows[0].n);
}

const BAD = ["Build\u0000Box", "\u0000", "fp\uD800", "\uDC00fp", "a\uDBFF"];

describe("ill-formed text on the license API", () => {
  it("answers 400 to the issue's activate with a NUL in the name, and stores no machine", async () => {
    const { key, license } = await createLicense({ maxMachines: 3 });
    const res = await call("/api/v1/licenses/activate", { key, fingerprint: "fp-1", name: "Build\u0000Box" });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "name" }] });
    expect(await machineCount(license.id)).toBe(0);
  });

  it("refuses every text field of every endpoint, and a lone surrogate never takes a seat", async () => {
    const { key, license } = await createLicense({ maxMachines: 3 });
    const cases: [string, Record<string, unknown>][] = [];
    for (const bad of BAD) {
      cases.push(
        ["/api/v1/licenses/activate", { key, fingerprint: bad }],
        ["/api/v1/licenses/activate", { key, fingerprint: "fp", platform: bad }],
        ["/api/v1/licenses/activate", { key, fingerprint: "fp", hostname: bad }],
        ["/api/v1/licenses/activate", { key, fingerprint: "fp", nonce: bad }],
        ["/api/v1/licenses/activate", { key: key + bad, fingerprint: "fp" }],
        ["/api/v1/licenses/validate", { key, fingerprint: bad }],
        ["/api/v1/licenses/validate", { key, product: bad }],
        ["/api/v1/licenses/validate", { key, entitlements: [bad] }],
        ["/api/v1/licenses/heartbeat", { key, fingerprint: bad }],
        ["/api/v1/licenses/deactivate", { key, fingerprint: bad }],
        ["/api/v1/licenses/offline", { key, fingerprint: bad }],
        ["/api/validate", { key, machine_id: bad }],
      );
    }
    for (const [path, body] of cases) {
      const res = await call(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json.error.code).toBe("BAD_REQUEST");
    }
    expect(await machineCount(license.id)).toBe(0);
  });

  it("accepts any well-formed name (emoji, CJK, other control characters) and stores it as sent", async () => {
    const { key, license } = await createLicense({ maxMachines: 1000 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 40 }), async (name) => {
        const fingerprint = `fp-${n++}`;
        const res = await call("/api/v1/licenses/activate", { key, fingerprint, name });
        const wellFormed = (name as unknown as { isWellFormed(): boolean }).isWellFormed() && !name.includes("\u0000");
        if (!wellFormed) {
          expect(res.status).toBe(400);
          return;
        }
        expect(res.status).toBe(201);
        const row = (await db().query("SELECT name FROM machines WHERE license_id = $1 AND fingerprint = $2", [license.id, fingerprint])).rows[0];
        expect(row.name).toBe(name.trim() === "" ? "" : name.trim());
      }),
      { numRuns: 60 },
    );
  });
});
