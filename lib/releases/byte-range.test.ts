import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRange } from "./byte-range";

describe("parseRange", () => {
  it("answers the forms of RFC 9110 §14.1.2", () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: "full" });
    expect(parseRange("bytes=0-9", 100)).toEqual({ kind: "partial", range: { start: 0, end: 9 } });
    expect(parseRange("bytes=90-", 100)).toEqual({ kind: "partial", range: { start: 90, end: 99 } });
    expect(parseRange("bytes=90-500", 100)).toEqual({ kind: "partial", range: { start: 90, end: 99 } });
    expect(parseRange("bytes=-10", 100)).toEqual({ kind: "partial", range: { start: 90, end: 99 } });
    expect(parseRange("bytes=-500", 100)).toEqual({ kind: "partial", range: { start: 0, end: 99 } });
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    // Ignored (served in full): malformed, reversed, other units, several ranges.
    for (const h of ["bytes=5-1", "items=0-1", "bytes=0-1,5-6", "bytes=", "bytes=a-b", "0-1"]) expect(parseRange(h, 100), h).toEqual({ kind: "full" });
  });

  it("never answers a range outside the file", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.option(fc.nat({ max: 2000 })), fc.option(fc.nat({ max: 2000 })), (size, a, b) => {
        const r = parseRange(`bytes=${a ?? ""}-${b ?? ""}`, size);
        if (r.kind === "partial") {
          expect(r.range.start).toBeGreaterThanOrEqual(0);
          expect(r.range.end).toBeLessThan(size);
          expect(r.range.start).toBeLessThanOrEqual(r.range.end);
        }
      }),
    );
  });
});
