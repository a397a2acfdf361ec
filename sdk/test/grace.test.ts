// The offline grace decision with a fake clock.
import { describe, expect, it } from "vitest";
import { DAY_MS, decideOffline, type CachedAnswer, type CachedOfflineFile } from "../src/grace.js";
import { license, machine } from "./signer.js";

const T0 = Date.parse("2026-03-01T12:00:00.000Z");
const MIN = 60_000;

function good(at = T0, overrides: Partial<CachedAnswer> & { grace?: number; expiresAt?: string | null } = {}): CachedAnswer {
  return {
    at,
    valid: true,
    code: "VALID",
    detail: "The license is valid.",
    license: license({ offlineGraceDays: overrides.grace ?? 7, expiresAt: overrides.expiresAt ?? null }),
    machine: machine("fp"),
    ...overrides,
  };
}

function refused(code: "SUSPENDED" | "REVOKED" | "EXPIRED", at: number): CachedAnswer {
  return { at, valid: false, code, detail: `The license is ${code.toLowerCase()}.`, license: license({ status: code }), machine: machine("fp") };
}

function file(issuedAt: number, expiresAt: number): CachedOfflineFile {
  return { issuedAt, expiresAt, license: license() };
}

const decide = (answer: CachedAnswer | null, now: number, extra: { offlineFile?: CachedOfflineFile | null; highWater?: number } = {}) =>
  decideOffline({ answer, offlineFile: extra.offlineFile ?? null, now, highWater: extra.highWater ?? 0 });

describe("a good answer", () => {
  it("keeps the application licensed for offlineGraceDays after its signed time, then fails closed", () => {
    const within = decide(good(), T0 + 7 * DAY_MS - 1);
    expect(within).toMatchObject({ licensed: true, code: "VALID", source: "cache", until: T0 + 7 * DAY_MS });
    const after = decide(good(), T0 + 7 * DAY_MS);
    expect(after).toMatchObject({ licensed: false, code: "GRACE_EXPIRED", until: null });
    expect(decide(good(), T0 + 30 * DAY_MS).licensed).toBe(false);
  });

  it("follows the plan's grace: 2 days, and 0 (no offline use at all)", () => {
    expect(decide(good(T0, { grace: 2 }), T0 + 2 * DAY_MS - MIN).licensed).toBe(true);
    expect(decide(good(T0, { grace: 2 }), T0 + 2 * DAY_MS + MIN).licensed).toBe(false);
    expect(decide(good(T0, { grace: 0 }), T0 + 1000)).toMatchObject({ licensed: false, code: "GRACE_EXPIRED" });
  });

  it("never runs past the license's own expiry", () => {
    const expiresAt = new Date(T0 + 2 * DAY_MS).toISOString();
    expect(decide(good(T0, { expiresAt }), T0 + DAY_MS)).toMatchObject({ licensed: true, until: T0 + 2 * DAY_MS });
    expect(decide(good(T0, { expiresAt }), T0 + 3 * DAY_MS)).toMatchObject({ licensed: false, code: "EXPIRED" });
  });

  it("keeps a floating seat only until the machine's heartbeat deadline", () => {
    const floating = good(T0, {
      license: license({ floating: true, offlineGraceDays: 7 }),
      machine: machine("fp", { heartbeatDeadline: new Date(T0 + 10 * MIN).toISOString() }),
    });
    expect(decide(floating, T0 + 9 * MIN).licensed).toBe(true);
    expect(decide(floating, T0 + 11 * MIN)).toMatchObject({ licensed: false, code: "GRACE_EXPIRED" });
  });

  it("is nothing without a saved answer", () => {
    expect(decide(null, T0)).toMatchObject({ licensed: false, code: "UNREACHABLE", source: "none" });
  });
});

describe("the clock", () => {
  it("detects a rollback before the highest time seen, beyond the 5-minute tolerance", () => {
    const highWater = T0 + 3 * DAY_MS;
    expect(decide(good(), highWater - 4 * MIN, { highWater }).licensed).toBe(true);
    expect(decide(good(), highWater - 6 * MIN, { highWater })).toMatchObject({ licensed: false, code: "CLOCK_ROLLBACK" });
    // Rolled back to "just after the answer", where the grace would look fresh: still caught.
    expect(decide(good(), T0 + MIN, { highWater })).toMatchObject({ licensed: false, code: "CLOCK_ROLLBACK" });
  });

  it("detects a clock set before the signed time of the saved answer, even with no high-water mark", () => {
    expect(decide(good(), T0 - DAY_MS)).toMatchObject({ licensed: false, code: "CLOCK_ROLLBACK" });
    expect(decide(null, T0 - DAY_MS, { offlineFile: file(T0, T0 + 7 * DAY_MS) })).toMatchObject({ licensed: false, code: "CLOCK_ROLLBACK" });
  });

  it("honours a custom tolerance", () => {
    const highWater = T0 + DAY_MS;
    expect(decideOffline({ answer: good(), offlineFile: null, now: highWater - 10 * MIN, highWater, toleranceMs: 15 * MIN }).licensed).toBe(true);
    expect(decideOffline({ answer: good(), offlineFile: null, now: highWater - 10 * MIN, highWater, toleranceMs: MIN }).licensed).toBe(false);
  });
});

describe("explicit refusals", () => {
  for (const code of ["SUSPENDED", "REVOKED", "EXPIRED"] as const) {
    it(`a saved ${code} is never overridden by an older good answer or license file`, () => {
      const older = file(T0 - DAY_MS, T0 + 6 * DAY_MS);
      const decision = decide(refused(code, T0), T0 + MIN, { offlineFile: older });
      expect(decision).toMatchObject({ licensed: false, code, source: "cache" });
      expect(decision.message).toMatch(/refused/);
    });
  }

  it("a license file issued after the refusal (the license was reinstated) licenses again", () => {
    const newer = file(T0 + DAY_MS, T0 + 8 * DAY_MS);
    expect(decide(refused("SUSPENDED", T0), T0 + 2 * DAY_MS, { offlineFile: newer })).toMatchObject({ licensed: true, source: "offline-file" });
  });
});

describe("offline license files", () => {
  it("license until the file's expiry, then fail closed", () => {
    const f = file(T0, T0 + 7 * DAY_MS);
    expect(decide(null, T0 + 6 * DAY_MS, { offlineFile: f })).toMatchObject({ licensed: true, source: "offline-file", until: T0 + 7 * DAY_MS });
    expect(decide(null, T0 + 7 * DAY_MS + 1, { offlineFile: f })).toMatchObject({ licensed: false, code: "GRACE_EXPIRED" });
  });

  it("the later of a good answer's grace and a file's expiry counts", () => {
    const f = file(T0 - DAY_MS, T0 + 20 * DAY_MS);
    expect(decide(good(), T0 + 10 * DAY_MS, { offlineFile: f })).toMatchObject({ licensed: true, source: "offline-file" });
    expect(decide(good(), T0 + 3 * DAY_MS, { offlineFile: file(T0 - 5 * DAY_MS, T0 + DAY_MS) })).toMatchObject({ licensed: true, source: "cache" });
  });
});
