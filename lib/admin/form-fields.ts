// zod fields for HTML form values, which arrive as strings: an empty input is
// "not given", a checkbox is "on" or absent, a date input is YYYY-MM-DD.
import { z } from "zod";
import { isInstantInRange, parseDecimalInteger, text } from "../http/input";

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** A uuid, lower-cased; PostgreSQL would reject anything else with an error rather than "not found". */
export const id = z.guid().transform((value) => value.toLowerCase());

/** Irreversible actions carry `confirm=yes` from their second step, so a stray post cannot do them. */
export const confirmed = z.literal("yes", { error: "Confirm this action first." });

export const checkbox = z.preprocess((value) => value === "on" || value === "true", z.boolean());

/**
 * A whole number typed in decimal digits (an optional leading minus and nothing else: the shared
 * rule of lib/http/input.ts, parseDecimalInteger), within `min`..`max`. Not z.coerce.number:
 * Number() also reads "0x10" as 16, "1e2" as 100 and " " as 0, so a mistyped field changed a
 * license by an amount nobody wrote.
 */
export function integer(min: number, max: number) {
  const decimal = (value: unknown) => (typeof value === "string" ? (parseDecimalInteger(value) ?? value) : value);
  return z.preprocess(
    (value) => decimal(blankToUndefined(value)),
    // The message only for what is not a number: a schema-wide `error` would also replace the
    // range checks' own messages, which name the bound ("…<=365").
    z
      .number({ error: (issue) => (issue.code === "invalid_type" ? "Must be a whole number" : undefined) })
      .int("Must be a whole number")
      .min(min)
      .max(max),
  );
}

export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.optional());
}

/** Text typed into a form: trimmed, at most `max` characters, no U+0000 or unpaired surrogates (the shared text type). */
export const trimmed = (max: number) => text({ max });

/**
 * A calendar date from `<input type="date">`, as the end of that day in UTC (the console shows UTC), within
 * the instants the portal accepts anywhere (years 0001-9999, lib/http/input.ts).
 */
export const endOfDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use the date picker (YYYY-MM-DD)")
  .transform((value, ctx) => {
    const date = new Date(`${value}T23:59:59.999Z`);
    if (!isInstantInRange(date) || date.toISOString().slice(0, 10) !== value) {
      ctx.addIssue({ code: "custom", message: "Not a real date between 0001-01-01 and 9999-12-31" });
      return z.NEVER;
    }
    return date;
  });

/** Entitlements typed one per line or separated by commas; duplicates and blanks dropped. */
export const entitlementList = z
  .string()
  .default("")
  .transform((text) => [...new Set(text.split(/[\n,]/).map((e) => e.trim()).filter(Boolean))])
  .pipe(
    z
      .array(z.string().max(64).regex(/^[a-zA-Z0-9_.:-]+$/, "Entitlements use only letters, digits and _ . : -"))
      .max(100),
  );
