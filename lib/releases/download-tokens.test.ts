import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDownloadToken, readDownloadToken } from "./download-tokens";

const grant = { artifactId: "0b7d5c8e-2f5b-4b7a-9d1e-3c0f6f1c2a11", licenseId: null, expiresAt: new Date("2030-01-01T00:00:00Z") };

describe("download tokens", () => {
  it("round-trips, expires, and refuses any altered token as forged", () => {
    const token = createDownloadToken(grant);
    expect(readDownloadToken(token, new Date("2029-12-31T23:59:59Z"))).toEqual({ ok: true, grant });
    expect(readDownloadToken(token, new Date("2030-01-01T00:00:00Z"))).toEqual({ ok: false, reason: "expired" });
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(..."ABCabc012-_."), (i, c) => {
        const altered = token.slice(0, i) + c + token.slice(i + 1);
        if (altered !== token) expect(readDownloadToken(altered, new Date("2029-01-01T00:00:00Z")).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    // The last character's two spare bits: every other spelling of the same MAC is refused.
    const last = token.at(-1)!;
    for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
      if (c !== last) expect(readDownloadToken(token.slice(0, -1) + c, new Date("2029-01-01T00:00:00Z")).ok).toBe(false);
    }
  });
});
