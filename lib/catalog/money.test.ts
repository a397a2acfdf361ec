import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyExponent, formatMajorUnits, formatMoney, parseMajorUnits, sumMinorUnits, toMajorUnits } from "./money";

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

// payments.amount_cents is a PostgreSQL bigint: any amount in its range must show exactly.
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
const CURRENCIES = ["jpy", "krw", "vnd", "usd", "eur", "idr", "kwd", "bhd", "tnd"] as const;
const bigAmount = fc.oneof(
  fc.bigInt({ min: INT8_MIN, max: INT8_MAX }),
  fc.constantFrom(0n, 1n, -1n, 2n ** 31n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, INT8_MAX, INT8_MIN, 999_999_999_999n),
);

/** The digits of `minor` in major units as the reference: sign, whole part, exactly `exp` decimals. */
function reference(minor: bigint, exp: number): { negative: boolean; whole: string; fraction: string } {
  const scale = 10n ** BigInt(exp);
  const abs = minor < 0n ? -minor : minor;
  return { negative: minor < 0n, whole: (abs / scale).toString(), fraction: exp === 0 ? "" : (abs % scale).toString().padStart(exp, "0") };
}

describe("large amounts in every currency exponent", () => {
  it("shows 2^53 - 1 cents exactly (float division rounded it to …409.90)", () => {
    expect(formatMoney(9_007_199_254_740_991, "usd")).toBe("$90,071,992,547,409.91");
    expect(formatMoney(2n ** 63n - 1n, "usd")).toBe("$92,233,720,368,547,758.07");
    expect(formatMoney(2n ** 63n - 1n, "jpy")).toBe("¥9,223,372,036,854,775,807");
    expect(formatMoney(-(2n ** 63n), "kwd")).toBe("-KWD\u00a09,223,372,036,854,775.808");
    expect(formatMajorUnits(9_007_199_254_740_993n, "kwd")).toBe("9007199254740.993");
  });

  it("writes any bigint amount with the currency's exponent, digit for digit, as text and for people", () => {
    fc.assert(
      fc.property(bigAmount, fc.constantFrom(...CURRENCIES), (minor, currency) => {
        const exp = currencyExponent(currency);
        const ref = reference(minor, exp);
        const plain = `${ref.negative ? "-" : ""}${ref.whole}${exp ? `.${ref.fraction}` : ""}`;
        expect(formatMajorUnits(minor, currency)).toBe(plain);
        const shown = formatMoney(minor, currency);
        // The people's form: the same digits, grouped by thousands, with the same sign and decimals.
        expect(shown.startsWith("-"), shown).toBe(ref.negative);
        const number = shown.replace(/[^0-9.,]/g, "");
        expect(number.replace(/,/g, ""), shown).toBe(`${ref.whole}${exp ? `.${ref.fraction}` : ""}`);
        expect(number.split(".")[0], shown).toMatch(/^\d{1,3}(,\d{3})*$/);
        // A number that holds the amount exactly is shown as its bigint is.
        if (minor >= BigInt(Number.MIN_SAFE_INTEGER) && minor <= BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(formatMoney(Number(minor), currency)).toBe(shown);
          expect(formatMajorUnits(Number(minor), currency)).toBe(plain);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("sums any amounts exactly, past 2^53 and past the bigint range of one row", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(bigAmount, fc.integer()), { maxLength: 50 }), fc.constantFrom(...CURRENCIES), (amounts, currency) => {
        const exact = amounts.reduce<bigint>((sum, a) => sum + BigInt(a), 0n);
        const total = sumMinorUnits(amounts);
        expect(total).toBe(exact);
        const exp = currencyExponent(currency);
        const ref = reference(exact, exp);
        expect(formatMajorUnits(total, currency)).toBe(`${ref.negative ? "-" : ""}${ref.whole}${exp ? `.${ref.fraction}` : ""}`);
      }),
    );
    // Safe integers whose float sum is not: 2^53 + 1 cannot be a float.
    expect(sumMinorUnits([2 ** 53, 1])).toBe(2n ** 53n + 1n);
    expect(formatMoney(sumMinorUnits([2 ** 53, 1]), "jpy")).toBe("¥9,007,199,254,740,993");
  });
});
