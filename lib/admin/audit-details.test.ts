import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditValue, describeAuditData } from "./audit-details";

describe("describeAuditData", () => {
  it("says what changed, in the console's words", () => {
    expect(describeAuditData({ changes: { expiresAt: { from: "2027-11-30T00:00:00.000Z", to: "2027-12-30T00:00:00.000Z" } }, via: "console" })).toEqual([
      "expiry 2027-11-30 → 2027-12-30",
      "via: console",
    ]);
    expect(describeAuditData({ changes: { maxMachines: { from: 3, to: 5 }, status: { from: "ACTIVE", to: "SUSPENDED" } } })).toEqual(["seats 3 → 5", "status ACTIVE → SUSPENDED"]);
    expect(describeAuditData({ changes: { statusReason: { from: null, to: "refunded" } }, event: "charge.refunded" })).toEqual(["reason none → refunded", "Stripe event: charge.refunded"]);
  });

  it("keeps the time of an instant that is not midnight", () => {
    expect(describeAuditData({ changes: { expiresAt: { from: null, to: "2027-01-02T13:45:10.000Z" } } })).toEqual(["expiry none → 2027-01-02 13:45 UTC"]);
  });

  it("names machines by fingerprint instead of dumping them", () => {
    expect(describeAuditData({ count: 2, machines: [{ id: "a", fingerprint: "fp-1" }, { id: "b", fingerprint: "fp-2" }] })).toEqual(["count: 2", "machines: fp-1, fp-2"]);
  });

  it("says nothing for an entry without data", () => {
    expect(describeAuditData(null)).toEqual([]);
    expect(describeAuditData({})).toEqual([]);
  });

  it("never throws and always returns strings, whatever JSON is stored", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (data) => {
        const lines = describeAuditData(data);
        expect(Array.isArray(lines)).toBe(true);
        for (const line of lines) expect(typeof line).toBe("string");
      }),
    );
    expect(auditValue(undefined)).toBe("none");
  });
});
