import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  INSTANT_MAX_MS,
  INSTANT_MIN_MS,
  email,
  emailToAscii,
  instant,
  instantToJson,
  integerText,
  parseDecimalInteger,
  isWellFormedText,
  parseEmailAddress,
  parseInstant,
  scrubJson,
  scrubText,
  text,
  vouchedEmailIdentity,
} from "./input";

describe("text", () => {
  const name = text({ max: 20 });

  it("refuses U+0000 (the issue's Build\\u0000Box) and unpaired surrogates", () => {
    for (const bad of ["Build\u0000Box", "\u0000", "a\uD800", "\uDC00b", "\uDFFF\uD800", "x\uD83D"]) {
      expect(name.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("accepts paired surrogates (emoji), other control characters and any other script", () => {
    for (const good of ["😀 Box", "Büro-PC", "机器", "tab\there", "\u0001"]) {
      expect(name.parse(good)).toBe(good.trim());
    }
  });

  it("trims unless asked not to, and counts after trimming", () => {
    expect(name.parse("  a  ")).toBe("a");
    expect(text({ max: 5, trim: false }).parse("  a  ")).toBe("  a  ");
    expect(text({ min: 1, max: 5 }).safeParse("   ").success).toBe(false);
    expect(text({ max: 3 }).safeParse("abcd").success).toBe(false);
  });

  it("agrees with String.prototype.isWellFormed plus the NUL rule, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (s) => {
        // String.prototype.isWellFormed (ES2024): no unpaired surrogate.
        const expected = (s as unknown as { isWellFormed(): boolean }).isWellFormed() && !s.includes("\u0000");
        expect(isWellFormedText(s)).toBe(expected);
        expect(text({ max: 100, trim: false }).safeParse(s).success).toBe(expected);
        // Scrubbing always yields well-formed text, and leaves well-formed text alone.
        expect(isWellFormedText(scrubText(s))).toBe(true);
        if (expected) expect(scrubText(s)).toBe(s);
        expect(scrubText(s).length).toBe(s.length);
      }),
    );
  });

  it("scrubs strings and keys deep inside JSON, keeping untouched objects as they are", () => {
    const clean = { a: [1, "x", { b: null }] };
    expect(scrubJson(clean)).toBe(clean);
    expect(scrubJson({ name: "Kim\u0000", list: ["\uD800"], "k\u0000": 1 })).toEqual({
      name: "Kim\uFFFD",
      list: ["\uFFFD"],
      "k\uFFFD": 1,
    });
  });
});

describe("instant", () => {
  const iso = (s: string) => parseInstant(s)?.toISOString() ?? null;

  it("refuses the issue's year 0000 and every value outside 0001-01-01 … 9999-12-31 in UTC", () => {
    for (const bad of [
      "0000-01-01T00:00:00Z",
      "0001-01-01T00:00:00+00:01",
      "0001-01-01T00:00:00.000+01:00",
      "9999-12-31T23:59:59.999-00:01",
      "9999-12-31T23:59:59.9991Z",
      "+275760-09-13T00:00:00Z",
      "10000-01-01T00:00:00Z",
      "-000001-01-01T00:00:00Z",
    ]) {
      expect(iso(bad), bad).toBeNull();
      expect(instant.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("accepts both ends of the range exactly", () => {
    expect(iso("0001-01-01T00:00:00Z")).toBe("0001-01-01T00:00:00.000Z");
    expect(iso("0000-12-31T23:00:00-01:00")).toBe("0001-01-01T00:00:00.000Z");
    expect(iso("9999-12-31T23:59:59.999Z")).toBe("9999-12-31T23:59:59.999Z");
    expect(iso("9999-12-31T23:59:59.9990000Z")).toBe("9999-12-31T23:59:59.999Z");
    expect(iso("10000-01-01T00:59:59.999+01:00")).toBeNull(); // five-digit years are not RFC 3339
    expect(INSTANT_MIN_MS).toBe(-62135596800000);
    expect(INSTANT_MAX_MS).toBe(253402300799999);
  });

  it("needs an offset and a real calendar date", () => {
    for (const bad of [
      "2026-01-01T00:00:00",
      "2026-01-01",
      "2026-01-01 00:00:00Z",
      "2026-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:00:60Z",
      "2026-01-01T00:00:00+24:00",
      "2026-01-01T00:00:00+0100",
      "2026-01-01T00:00Z",
      "1767225600",
      "",
    ]) {
      expect(iso(bad), bad).toBeNull();
    }
    expect(iso("2024-02-29T12:00:00Z")).toBe("2024-02-29T12:00:00.000Z");
    expect(iso("2000-02-29T00:00:00Z")).not.toBeNull();
    expect(iso("1900-02-29T00:00:00Z")).toBeNull();
  });

  it("converts offsets and lower-case t/z to the same UTC instant, truncating to milliseconds", () => {
    expect(iso("2026-06-30T23:30:00-05:30")).toBe("2026-07-01T05:00:00.000Z");
    expect(iso("2026-01-01t10:00:00+14:00")).toBe("2025-12-31T20:00:00.000Z");
    expect(iso("2026-01-01T00:00:00.123456789z")).toBe("2026-01-01T00:00:00.123Z");
  });

  it("round-trips every in-range Date through toISOString, and agrees with the range for any offset", () => {
    fc.assert(
      fc.property(fc.integer({ min: INSTANT_MIN_MS, max: INSTANT_MAX_MS }), (ms) => {
        const date = new Date(ms);
        expect(parseInstant(date.toISOString())?.getTime()).toBe(ms);
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: INSTANT_MIN_MS - 2 * 86_400_000, max: INSTANT_MAX_MS + 2 * 86_400_000 }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (ms, offset) => {
          // Write the instant `ms` as local time at `offset` minutes east of UTC.
          const local = new Date(ms + offset * 60_000).toISOString();
          if (!/^\d{4}-/.test(local)) return; // local wall time outside 4-digit years: not expressible
          const sign = offset < 0 ? "-" : "+";
          const abs = Math.abs(offset);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          const parsed = parseInstant(local.slice(0, -1) + zone);
          const inRange = ms >= INSTANT_MIN_MS && ms <= INSTANT_MAX_MS;
          expect(parsed?.getTime() ?? null).toBe(inRange ? ms : null);
        },
      ),
    );
  });

  it("never throws, whatever the string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const result = instant.safeParse(s);
        if (result.success) expect(Number.isFinite(result.data.getTime())).toBe(true);
      }),
    );
  });

  it("shows any Date as an instant the instant input accepts back: outside years 0001..9999 clamped to the ends", () => {
    expect(instantToJson(null)).toBeNull();
    expect(instantToJson(new Date(Number.NaN))).toBeNull();
    expect(instantToJson(new Date(8.64e15))).toBe("9999-12-31T23:59:59.999Z");
    expect(instantToJson(new Date(-8.64e15))).toBe("0001-01-01T00:00:00.000Z");
    expect(instantToJson(new Date("2026-01-01T00:00:00Z"))).toBe("2026-01-01T00:00:00.000Z");
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        const shown = instantToJson(date)!;
        expect(parseInstant(shown)?.getTime()).toBe(Math.min(Math.max(date.getTime(), INSTANT_MIN_MS), INSTANT_MAX_MS));
      }),
    );
  });
});

describe("integerText (whole numbers in query parameters and form fields)", () => {
  const seats = integerText(1, 1000);

  it("reads every in-range integer written in decimal digits as that integer", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.nat({ max: 3 }), (n, zeros) => {
        expect(seats.parse(String(n))).toBe(n);
        expect(seats.parse("0".repeat(zeros) + String(n))).toBe(n);
      }),
    );
  });

  it("refuses what Number() and z.coerce.number read as a number but nobody typed as one (the issue's 0x2, ' 2', 2e0)", () => {
    const spelled = ["0x2", "0X2", "0b10", "0o2", " 2", "2 ", "\t2", "2\n", "+2", "2e0", "2E0", "2.0", "2.", ".2e1", "1_0", "2,0", "Infinity", "NaN", "", " ", "２", "٢", "2\u0000", "-0x1", "0", "1001", "-1", "99999999999999999"];
    for (const value of spelled) expect(seats.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });

  it("accepts a string only when it is exactly the decimal text of the integer it answers", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-+ 0-9.eExXob_]{0,8}$/)), (value) => {
        const result = integerText(-1_000_000, 1_000_000).safeParse(value);
        if (!result.success) return;
        expect(value).toMatch(/^-?\d+$/);
        expect(BigInt(value)).toBe(BigInt(result.data));
      }),
      { numRuns: 2000 },
    );
  });

  it("parseDecimalInteger refuses values past 2^53 instead of rounding them", () => {
    expect(parseDecimalInteger("9007199254740991")).toBe(9007199254740991);
    expect(parseDecimalInteger("9007199254740993")).toBeNull();
    expect(parseDecimalInteger("-0")).toBe(0);
  });
});

describe("email", () => {
  it("keeps kim.park and kim_park apart (issue 11, item 1), and case never makes two addresses", () => {
    expect(parseEmailAddress("kim.park@example.test")).toBe("kim.park@example.test");
    expect(parseEmailAddress("kim_park@example.test")).toBe("kim_park@example.test");
    expect(parseEmailAddress("  Kim.Park@Example.TEST ")).toBe("kim.park@example.test");
    expect(parseEmailAddress("50%off@example.test")).toBe("50%off@example.test");
  });

  it("keeps plus-addresses as their own addresses", () => {
    expect(parseEmailAddress("kim+billing@example.test")).toBe("kim+billing@example.test");
  });

  it("accepts IDN domains in either form, as one canonical address", () => {
    expect(parseEmailAddress("kim@BÜCHER.example")).toBe("kim@bücher.example");
    expect(parseEmailAddress("kim@xn--bcher-kva.example")).toBe("kim@bücher.example");
    expect(parseEmailAddress("kim@例え.テスト")).toBe("kim@例え.テスト");
    expect(emailToAscii("kim@bücher.example")).toBe("kim@xn--bcher-kva.example");
    expect(emailToAscii("kim@example.test")).toBe("kim@example.test");
  });

  it("refuses several addresses, display names and other non-addresses", () => {
    for (const bad of [
      "a@example.test,b@example.test",
      "a@example.test, b@example.test",
      "a@example.test;b@example.test",
      "a@example.test b@example.test",
      "Kim <kim@example.test>",
      "<kim@example.test>",
      "a@b@example.test",
      '"kim park"@example.test',
      "kim@[127.0.0.1]",
      "kim@localhost",
      "kim@example.",
      "kim@-example.test",
      ".kim@example.test",
      "kim..park@example.test",
      "kim@example..test",
      "kim@",
      "@example.test",
      "kim",
      "",
      "kim\u0000@example.test",
      "kim@example.test\u0000",
      "kim\uD800@example.test",
      `${"a".repeat(65)}@example.test`,
      `a@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(63)}.test`,
    ]) {
      expect(parseEmailAddress(bad), JSON.stringify(bad)).toBeNull();
      expect(email.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("is idempotent and case-insensitive for every address it accepts", () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.boolean(), (address, upper) => {
        const once = parseEmailAddress(upper ? address.toUpperCase() : address);
        if (once === null) return; // fast-check also makes quoted-free but >254 or odd-TLD addresses
        expect(parseEmailAddress(once)).toBe(once);
        expect(parseEmailAddress(` ${once.toUpperCase()}\t`)).toBe(once);
        expect(once).toBe(once.toLowerCase());
      }),
    );
  });

  it("accepts the addresses fast-check generates that fit RFC 5321's lengths", () => {
    fc.assert(
      fc.property(fc.emailAddress({ size: "small" }), (address) => {
        const [local, domain] = [address.slice(0, address.lastIndexOf("@")), address.slice(address.lastIndexOf("@") + 1)];
        const plausible = local.length <= 64 && address.length <= 254 && domain.includes(".") && /\.[a-z]{2,}$/i.test(domain);
        if (plausible) expect(parseEmailAddress(address)).toBe(address.toLowerCase());
      }),
    );
  });

  it("never accepts a list: joining two valid addresses with any separator is refused", () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.emailAddress(), fc.constantFrom(",", ";", " ", ", ", "\n", "\t"), (a, b, sep) => {
        expect(parseEmailAddress(a + sep + b)).toBeNull();
      }),
    );
  });
});

describe("vouchedEmailIdentity (addresses from OAuth profiles and Stripe)", () => {
  it("is the identity form for every address parseEmailAddress accepts", () => {
    expect(vouchedEmailIdentity("  Kim_Park@Example.TEST ")).toBe("kim_park@example.test");
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const identity = parseEmailAddress(address);
        if (identity) expect(vouchedEmailIdentity(address)).toBe(identity);
      }),
    );
  });

  it("keeps any other address in the form the users table's CHECK demands (trimmed, lower-case, well-formed)", () => {
    expect(vouchedEmailIdentity(" Kim@Intranet ")).toBe("kim@intranet");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const stored = vouchedEmailIdentity(value);
        expect(stored).toBe(stored.trim().toLowerCase());
        expect(isWellFormedText(stored)).toBe(true);
      }),
    );
  });
});

describe("JSON Schema of the shared types (for the OpenAPI document)", () => {
  const schema = z.toJSONSchema(
    z.object({ at: instant.nullable().optional(), email, name: text({ min: 1, max: 200, description: "A name" }) }),
    { io: "input" },
  ) as { properties: Record<string, Record<string, unknown>> };

  it("names the formats and bounds", () => {
    expect(schema.properties.email).toMatchObject({ type: "string", format: "email", maxLength: 254 });
    expect(JSON.stringify(schema.properties.at)).toContain('"format":"date-time"');
    expect(schema.properties.name).toMatchObject({ type: "string", minLength: 1, maxLength: 200, description: "A name" });
    expect(schema.properties.name?.pattern).toBe("^[^\\u0000\\uD800-\\uDFFF]*$");
  });
});
