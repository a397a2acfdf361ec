// The input domain shared by every boundary (license API, admin API, console
// forms, Stripe events, sign-in): one text type, one instant type and one email
// type, so a value refused in one place is refused everywhere and PostgreSQL never
// sees what it cannot store (U+0000, unpaired surrogates, years outside 1..9999).
// The rules are API.md's "Input domain". Each zod type carries the JSON Schema
// the OpenAPI document shows (z.toJSONSchema with io: "input").
import { domainToASCII, domainToUnicode } from "node:url";
import { z } from "zod";

// ---------------------------------------------------------------- text

/**
 * Matches a string holding U+0000 or an unpaired UTF-16 surrogate. With the `u`
 * flag a surrogate pair is one astral code point, so `\p{Cs}` (the surrogate
 * category) only matches lone halves. PostgreSQL refuses NUL in `text` and
 * `jsonb`, and a lone surrogate cannot be encoded as UTF-8 at all.
 */
const ILL_FORMED = /[\u0000\p{Cs}]/u;

/** True when `value` contains neither U+0000 nor an unpaired surrogate. */
export function isWellFormedText(value: string): boolean {
  return !ILL_FORMED.test(value);
}

/**
 * `value` with every U+0000 and unpaired surrogate replaced by U+FFFD (the
 * replacement character), for text we must keep rather than refuse: what arrives
 * inside a Stripe event.
 */
export function scrubText(value: string): string {
  return ILL_FORMED.test(value) ? value.replace(/[\u0000\p{Cs}]/gu, "\uFFFD") : value;
}

/**
 * A deep copy of a JSON value with every string (keys included) passed through
 * {@link scrubText}; the same object when nothing needed replacing.
 */
export function scrubJson<T>(value: T): T {
  if (typeof value === "string") return scrubText(value) as T;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const next = scrubJson(item);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? out : value) as T;
  }
  if (typeof value === "object" && value !== null) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const k = scrubText(key);
      const next = scrubJson(item);
      if (k !== key || next !== item) changed = true;
      out[k] = next;
    }
    return (changed ? out : value) as T;
  }
  return value;
}

export const TEXT_MESSAGE = "Must not contain U+0000 or unpaired surrogates";

/** Options of {@link text}. */
export type TextOptions = {
  /** Fewest characters (UTF-16 code units, as `String.length`), after trimming; default 0. */
  min?: number;
  /** Most characters (UTF-16 code units), after trimming. Required: every text input is bounded. */
  max: number;
  /** Trim surrounding white space first (default true; fingerprints and nonces keep theirs). */
  trim?: boolean;
  /** Shown in the OpenAPI document. */
  description?: string;
};

/**
 * The one text type: a string of `min`..`max` UTF-16 code units (after trimming
 * unless `trim: false`) that holds no U+0000 and no unpaired surrogate. Anything
 * else is a zod issue (400 on the API, a field error in the console).
 * JSON Schema: `{type: "string", minLength, maxLength, pattern: "^[^\\u0000\\uD800-\\uDFFF]*$"}`.
 */
export function text(options: TextOptions) {
  const { min = 0, max, trim = true, description } = options;
  let schema = z.string();
  if (trim) schema = schema.trim();
  if (min > 0) schema = schema.min(min, min === 1 ? "Must not be empty" : `Must be at least ${min} characters`);
  schema = schema
    .max(max, `Must be at most ${max} characters`)
    // Same rule as ILL_FORMED, spelled as a code-point range rather than `\p{Cs}`: the pattern is
    // published in the OpenAPI document, and tools outside JavaScript (Python's `re`, which
    // Schemathesis uses) do not know Unicode property escapes. With the `u` flag, and in any
    // code-point-based engine, a surrogate pair is one code point outside the range.
    .regex(/^[^\u0000\uD800-\uDFFF]*$/u, TEXT_MESSAGE);
  return description ? schema.meta({ description }) : schema;
}

// ---------------------------------------------------------------- instants

/** The earliest instant accepted or shown: 0001-01-01T00:00:00.000Z, in ms since the epoch. */
export const INSTANT_MIN_MS = utcMs(1, 1, 1);
/** The latest instant accepted or shown: 9999-12-31T23:59:59.999Z, in ms since the epoch. */
export const INSTANT_MAX_MS = utcMs(9999, 12, 31, 23, 59, 59, 999);

/** Like Date.UTC with a 1-based month, but years 0..99 mean those years (Date.UTC maps them to 19xx). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** True when `date` is a valid Date whose UTC value lies within years 0001..9999. */
export function isInstantInRange(date: Date): boolean {
  const ms = date.getTime();
  return Number.isFinite(ms) && ms >= INSTANT_MIN_MS && ms <= INSTANT_MAX_MS;
}

// RFC 3339 section 5.6 date-time: full-date "T" full-time, with a mandatory
// offset ("Z" or ±hh:mm); "T" and "Z" may be lower case (its note to 5.6).
// Leap seconds (":60") are refused: neither JavaScript nor PostgreSQL keeps them.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH: readonly number[] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Parses an RFC 3339 date-time with an offset into a Date (millisecond
 * precision: further digits are truncated). Answers null for anything else: no
 * offset, impossible calendar dates (2026-02-30), hours past 23, offsets past
 * ±23:59, or a UTC value outside 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999Z
 * (so "0001-01-01T00:00:00+01:00", which is year 0 in UTC, is refused).
 */
export function parseInstant(value: string): Date | null {
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ?? "";
  const zone = m[8] ?? "Z";
  if (month < 1 || month > 12) return null;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone !== "Z" && zone !== "z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number(fraction.slice(0, 3).padEnd(3, "0"));
  const utc = utcMs(year, month, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  // A value past the last millisecond only by digits we truncate is still past it.
  const beyondMs = /[1-9]/.test(fraction.slice(3));
  if (utc < INSTANT_MIN_MS || utc > INSTANT_MAX_MS || (utc === INSTANT_MAX_MS && beyondMs)) return null;
  return new Date(utc);
}

export const INSTANT_MESSAGE =
  "Must be an RFC 3339 date-time with an offset (e.g. 2027-01-31T23:59:59Z) between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z";

const INSTANT_DESCRIPTION =
  "An RFC 3339 date-time with an offset (`Z` or `±hh:mm`) whose UTC value lies in 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999Z; millisecond precision.";

/**
 * The one instant type: an RFC 3339 date-time string with an offset, in range
 * (see {@link parseInstant}), parsed to a Date. JSON Schema: `{type: "string",
 * format: "date-time"}`. Use `instant.nullable()` / `.optional()` as the field needs.
 */
export const instant = z
  .string()
  .max(64, INSTANT_MESSAGE)
  .transform((value, ctx) => {
    const date = parseInstant(value);
    if (date) return date;
    ctx.addIssue({ code: "custom", message: INSTANT_MESSAGE, input: value });
    return z.NEVER;
  })
  .meta({ format: "date-time", description: INSTANT_DESCRIPTION, examples: ["2027-01-31T23:59:59Z"] });

/**
 * A stored or computed instant as an RFC 3339 string for answers and pages,
 * whatever it is: null for null and for an invalid Date (NaN), and a Date
 * outside the input domain clamped to its ends (9999-12-31T23:59:59.999Z,
 * 0001-01-01T00:00:00.000Z), so every instant we show is one our own instant
 * input accepts back and no reader throws `RangeError: Invalid time value`.
 * Values read from the database are already clamped the same way
 * (lib/db/stored-instants.ts: `infinity` reads as the last instant).
 */
export function instantToJson(value: Date | null | undefined): string | null {
  if (!value) return null;
  const ms = value.getTime();
  if (!Number.isFinite(ms)) return null;
  return new Date(Math.min(Math.max(ms, INSTANT_MIN_MS), INSTANT_MAX_MS)).toISOString();
}

// ---------------------------------------------------------------- integers in text

/** Decimal digits with an optional leading minus; at most 16 digits, so Number() of it is exact. */
const DECIMAL_INTEGER = /^-?\d{1,16}$/;

/**
 * The whole number `value` spells in plain decimal digits (an optional leading
 * `-`, nothing else: no space, no `+`, no `0x`/`0o`/`0b`, no exponent, no
 * fraction, no digit separators), or null. Number() and z.coerce.number read
 * "0x10" as 16, "1e2" as 100, " 2" as 2 and "" as 0; this reads only what a
 * person types as a whole number.
 */
export function parseDecimalInteger(value: string): number | null {
  if (typeof value !== "string" || !DECIMAL_INTEGER.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? (Object.is(n, -0) ? 0 : n) : null;
}

/**
 * The one type for a whole number that arrives as text (a query parameter, a
 * form field): decimal digits only ({@link parseDecimalInteger}) within
 * `min`..`max` (both safe integers), parsed to a number. Anything else is a zod
 * issue naming the bounds (400 on the API, a field error in the console). JSON
 * bodies carry numbers as JSON numbers instead (`z.number().int()` with bounds).
 * JSON Schema: `{type: "string", pattern: "^-?[0-9]{1,16}$"}`.
 */
export function integerText(min: number, max: number, description?: string) {
  const message = `Must be a whole number from ${min} to ${max}, in decimal digits`;
  const schema = z
    .string()
    .max(64, message)
    .transform((value, ctx) => {
      const n = parseDecimalInteger(value);
      if (n !== null && n >= min && n <= max) return n;
      ctx.addIssue({ code: "custom", message, input: value });
      return z.NEVER;
    })
    .meta({ pattern: "^-?[0-9]{1,16}$", ...(description ? { description } : {}) });
  return schema;
}

// ---------------------------------------------------------------- email addresses

// The local part as RFC 5321/5322 dot-atom: atext characters separated by single dots.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// One DNS label in its ASCII (punycode) form; the TLD is letters or an IDN "xn--" label.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * The identity form of a single email address, or null when `input` is not
 * exactly one address. Trims surrounding white space and lower-cases; an
 * internationalised domain (IDN) is brought to its canonical Unicode form through
 * UTS #46 (`bÜcher.example` and `xn--bcher-kva.example` are the same address).
 * The local part is kept as written apart from case, so `kim+tag@…` and `kim@…`
 * stay two addresses (sub-addressing is the mailbox owner's business).
 * Refused (null): lists (`a@x.test, b@y.test`, `a@x.test b@y.test`, `;`), display
 * names and angle brackets, quoted local parts, IP-literal domains, a local part
 * over 64 or an address over 254 characters (RFC 5321 section 4.5.3.1), domains
 * without a dot, and anything with U+0000 or unpaired surrogates.
 */
export function parseEmailAddress(input: string): string | null {
  if (typeof input !== "string" || input.length > 1024 || !isWellFormedText(input)) return null;
  const value = input.trim();
  const at = value.lastIndexOf("@");
  if (at <= 0 || value.indexOf("@") !== at) return null;
  const local = value.slice(0, at).toLowerCase();
  const domainInput = value.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return null;
  if (domainInput === "" || /[\s,;<>()[\]\\"@:]/.test(domainInput) || domainInput.endsWith(".")) return null;
  const ascii = domainToASCII(domainInput);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(labels.at(-1) ?? "")) return null;
  const domain = domainToUnicode(ascii).toLowerCase();
  const address = `${local}@${domain}`;
  return address.length <= 254 && ascii.length + local.length + 1 <= 254 ? address : null;
}

/**
 * The stored form of an address that someone else vouches for (an OAuth
 * provider's profile, the email a customer paid with at Stripe): its identity
 * form ({@link parseEmailAddress}) when it has one; otherwise, since it is still
 * that person's address and must not be refused, trimmed and lower-cased with
 * U+0000 and unpaired surrogates replaced ({@link scrubText}), which is what the
 * users table's CHECK (`email = lower(btrim(email))`) demands. Input from our own
 * forms and APIs goes through {@link email} / parseEmailAddress and is refused instead.
 */
export function vouchedEmailIdentity(input: string): string {
  return parseEmailAddress(input) ?? scrubText(input).trim().toLowerCase();
}

/**
 * The address as SMTP needs it: the domain in its ASCII (punycode) form, for
 * servers without SMTPUTF8. `address` must come from {@link parseEmailAddress}.
 */
export function emailToAscii(address: string): string {
  const at = address.lastIndexOf("@");
  return `${address.slice(0, at)}@${domainToASCII(address.slice(at + 1)) || address.slice(at + 1)}`;
}

export const EMAIL_MESSAGE = "Must be exactly one email address, like name@example.com";

/**
 * The one email type: exactly one address, normalised by {@link parseEmailAddress}
 * (trimmed, lower-cased, IDN canonical). Customers are identified by this form
 * with exact equality, never a pattern. JSON Schema: `{type: "string", format: "email", maxLength: 254}`.
 */
export const email = z
  .string()
  .max(1024, EMAIL_MESSAGE)
  .transform((value, ctx) => {
    const address = parseEmailAddress(value);
    if (address) return address;
    ctx.addIssue({ code: "custom", message: EMAIL_MESSAGE, input: value });
    return z.NEVER;
  })
  .meta({
    format: "email",
    maxLength: 254,
    description:
      "Exactly one email address; surrounding white space is trimmed and it is compared case-insensitively (a list of addresses is refused).",
    examples: ["customer@example.com"],
  });
