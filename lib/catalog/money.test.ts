import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyExponent, formatMajorUnits, formatMoney, parseMajorUnits, toMajorUnits } from "./money";

describe("money in minor units", () => {
  it("shows 5000 jpy as ¥5,000 (the issue's input), not ¥50", () => {
    expect(formatMoney(5000, "jpy")).toBe("¥5,000");
    expect(formatMoney(5000, "JPY")).toBe("¥5,000");
  });

  it("uses each currency's own exponent: 0 for JPY/KRW, 3 for KWD/BHD/JOD/OMR/TND, 2 for the rest", () => {
    expect(formatMoney(123456, "krw")).toBe("₩123,456");
    expect(formatMoney(5000, "kwd")).toBe("KWD\u00a05.000");
    expect(formatMoney(1250, "bhd")).toBe("BHD\u00a01.250");
    for (const c of ["jod", "omr", "tnd"]) expect(currencyExponent(c)).toBe(3);
    expect(formatMoney(4990, "usd")).toBe("$49.90");
    expect(formatMoney(4990, "eur")).toBe("€49.90");
    expect(formatMoney(0, "usd")).toBe("$0.00");
    expect(formatMoney(-500, "usd")).toBe("-$5.00");
  });

  it("never throws for an unknown stored currency", () => {
    expect(formatMoney(1234, "xx1")).toBe("12.34 XX1");
    expect(formatMoney(1234, "")).toBe("12.34 ");
  });

  it("parses typed prices with the currency's decimals, exactly", () => {
    expect(parseMajorUnits("49.90", "usd")).toBe(4990);
    expect(parseMajorUnits("49", "usd")).toBe(4900);
    expect(parseMajorUnits("0.29", "usd")).toBe(29); // 0.29 * 100 is 28.999… in floating point
    expect(parseMajorUnits("5000", "jpy")).toBe(5000);
    expect(parseMajorUnits("5000.5", "jpy")).toBeNull();
    expect(parseMajorUnits("1.250", "kwd")).toBe(1250);
    expect(parseMajorUnits("1.2505", "kwd")).toBeNull();
    for (const bad of ["", "-1", "1e3", "1,000", "abc", "1.", ".5", "Infinity"]) expect(parseMajorUnits(bad, "usd")).toBeNull();
  });

  it("round-trips every amount through its major-unit text, for every exponent", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom("usd", "jpy", "kwd", "krw", "eur", "tnd"), (minor, currency) => {
        expect(parseMajorUnits(formatMajorUnits(minor, currency), currency)).toBe(minor);
        expect(toMajorUnits(minor, currency) * 10 ** currencyExponent(currency)).toBeCloseTo(minor, 6);
      }),
    );
  });
});
