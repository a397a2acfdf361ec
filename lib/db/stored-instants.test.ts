// Whatever PostgreSQL holds in a timestamptz column, both of the app's pools read
// a valid Date inside years 0001..9999: the value itself when it is in range, else
// the nearer end (lib/db/stored-instants.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INSTANT_MAX_MS, INSTANT_MIN_MS } from "../http/input";
import { createLicense } from "../test/licenses";
import { setupTestDatabase } from "../test/database";
import { db, prisma } from "./client";
import { clampStoredInstantText } from "./stored-instants";

setupTestDatabase();

const MAX = new Date(INSTANT_MAX_MS);
const MIN = new Date(INSTANT_MIN_MS);

/** Writes `literal` (PostgreSQL's own text for a timestamptz) into a license's expires_at and reads it back through both pools. */
async function readBack(licenseId: string, literal: string) {
  await db().query("UPDATE licenses SET expires_at = $2::timestamptz WHERE id = $1", [licenseId, literal]);
  const viaPool = (await db().query<{ expires_at: Date }>("SELECT expires_at FROM licenses WHERE id = $1", [licenseId])).rows[0]!.expires_at;
  const viaPrisma = (await prisma().license.findUniqueOrThrow({ where: { id: licenseId } })).expiresAt!;
  const viaRaw = (await prisma().$queryRawUnsafe<{ expires_at: Date }[]>("SELECT expires_at FROM licenses WHERE id = $1::uuid", licenseId))[0]!.expires_at;
  return { viaPool, viaPrisma, viaRaw };
}

describe("stored instants outside 0001..9999", () => {
  it.each([
    ["infinity", MAX],
    ["-infinity", MIN],
    ["294276-12-31 23:59:59+00", MAX],
    ["275761-01-01 00:00:00+00", MAX],
    ["10000-01-01 00:00:00+00", MAX],
    ["0001-12-31 23:59:59+00 BC", MIN],
    ["4713-01-01 00:00:00+00 BC", MIN],
  ])("%s reads as %s through the pg pool, Prisma and raw SQL", async (literal, expected) => {
    const { license } = await createLicense();
    const { viaPool, viaPrisma, viaRaw } = await readBack(license.id, literal);
    expect(viaPool).toEqual(expected);
    expect(viaPrisma).toEqual(expected);
    expect(viaRaw).toEqual(expected);
  });

  it("reads in-range values exactly, and any value at all as a valid in-range Date", async () => {
    const { license } = await createLicense();
    // Years across PostgreSQL's whole range (4713 BC … 294276 AD), millisecond precision as the columns keep.
    const stored = fc.record({
      year: fc.oneof(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 10000, max: 294275 }), fc.integer({ min: 1, max: 4713 }).map((y) => -y)),
      dayOfYear: fc.integer({ min: 0, max: 364 }),
      ms: fc.integer({ min: 0, max: 86_399_999 }),
    });
    await fc.assert(
      fc.asyncProperty(stored, async ({ year, dayOfYear, ms }) => {
        const literal = `${String(Math.abs(year)).padStart(4, "0")}-01-01 00:00:00+00${year < 0 ? " BC" : ""}`;
        const interval = `${dayOfYear} days ${ms} milliseconds`;
        await db().query("UPDATE licenses SET expires_at = $2::timestamptz + $3::interval WHERE id = $1", [license.id, literal, interval]);
        const viaPool = (await db().query<{ expires_at: Date }>("SELECT expires_at FROM licenses WHERE id = $1", [license.id])).rows[0]!.expires_at;
        const viaPrisma = (await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).expiresAt!;
        for (const read of [viaPool, viaPrisma]) {
          expect(read.getTime()).toBeGreaterThanOrEqual(INSTANT_MIN_MS);
          expect(read.getTime()).toBeLessThanOrEqual(INSTANT_MAX_MS);
        }
        expect(viaPrisma.getTime()).toBe(viaPool.getTime());
        if (year >= 1 && year <= 9999 && !(year === 9999 && dayOfYear === 364)) {
          const expected = new Date(0);
          expected.setUTCFullYear(year, 0, 1 + dayOfYear);
          expected.setUTCHours(0, 0, 0, ms);
          expect(viaPool.getTime()).toBe(expected.getTime());
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("clampStoredInstantText", () => {
  it("leaves every in-range text alone and answers the type's own text form at the ends", () => {
    expect(clampStoredInstantText("2026-12-01 04:12:11.123+00", 1184)).toBe("2026-12-01 04:12:11.123+00");
    expect(clampStoredInstantText("infinity", 1184)).toBe("9999-12-31 23:59:59.999+00");
    expect(clampStoredInstantText("-infinity", 1114)).toBe("0001-01-01 00:00:00");
    expect(clampStoredInstantText("0044-03-15 BC", 1082)).toBe("0001-01-01");
    expect(clampStoredInstantText("12345-01-01", 1082)).toBe("9999-12-31");
  });
});
