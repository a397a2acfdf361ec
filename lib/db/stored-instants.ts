// How an instant already in the database is read, whatever it is (API.md "Input
// domain": no stored value may make a page or an endpoint fail).
//
// PostgreSQL's timestamptz holds 4713 BC … 294276 AD plus `infinity` and
// `-infinity`; JavaScript's Date holds ±275760 years; and Prisma's pg adapter
// turns every value outside years 0000..9999 (the infinities, BC years, 10000+)
// into an Invalid Date, losing which side it was on. Values like these can only
// come from outside the portal (our inputs refuse them: lib/http/input.ts), but
// one of them used to turn a license, its list and its console page into 500s.
//
// The rule, applied once to every connection of both pools (lib/db/client.ts), so
// every reader (license API, admin API, console, portal, emails, webhook
// payloads, exports) sees the same thing: a stored instant after the input
// domain reads as its last millisecond, 9999-12-31T23:59:59.999Z, and one before
// it as its first, 0001-01-01T00:00:00.000Z. So `infinity` never expires and
// `-infinity` expired long ago, as PostgreSQL means them, and what an answer
// shows is an RFC 3339 instant that our own instant input accepts back.
import type pg from "pg";

const MAX = "9999-12-31 23:59:59.999";
const MIN = "0001-01-01 00:00:00";

// Type OIDs (pg_type): timestamp, timestamptz, date.
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const DATE = 1082;

/**
 * The text PostgreSQL sent for a timestamp/timestamptz/date column (DateStyle
 * ISO: `2026-12-01 04:12:11.123+00`, `infinity`, `0044-03-15 12:00:00+00 BC`,
 * `294276-12-31 23:59:59+00`) with anything outside years 0001..9999 replaced by
 * the first or last instant of that range, in the same type's text form.
 * Values inside the range come back unchanged (the same string).
 */
export function clampStoredInstantText(value: string, oid: number): string {
  let side: "min" | "max" | null = null;
  if (value === "infinity") side = "max";
  else if (value === "-infinity" || value.endsWith(" BC")) side = "min";
  else if (/^\d{5,}-/.test(value)) side = "max";
  if (!side) return value;
  const bound = side === "max" ? MAX : MIN;
  if (oid === DATE) return bound.slice(0, 10);
  return oid === TIMESTAMPTZ ? `${bound}+00` : bound;
}

type TypeParser = (value: string) => unknown;
type Types = { getTypeParser: (oid: number, format?: "text" | "binary") => unknown };

/** `types` with the text parsers of timestamp, timestamptz and date reading through {@link clampStoredInstantText}. */
export function clampingTypes(types: Types): Types & pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format: "text" | "binary" = "text") => {
      const parser = types.getTypeParser(oid, format);
      if (format !== "text" || (oid !== TIMESTAMP && oid !== TIMESTAMPTZ && oid !== DATE)) return parser;
      return (value: string) => (parser as TypeParser)(clampStoredInstantText(value, oid));
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
}

const PATCHED = Symbol("stored-instants");

/**
 * Makes every query on `client` read instants through {@link clampingTypes}:
 * queries carrying their own `types` (Prisma's adapter sends its parsers with
 * each query) get them wrapped; the others use the pool's `types` option, which
 * lib/db/client.ts sets to `clampingTypes(pg.types)`.
 */
export function clampStoredInstants(client: pg.ClientBase): void {
  const patched = client as pg.ClientBase & { [PATCHED]?: true };
  if (patched[PATCHED]) return;
  patched[PATCHED] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
    // Submittables (cursors, streams) carry their own parsing; plain config objects get the clamp.
    if (config && typeof config === "object" && typeof (config as { submit?: unknown }).submit !== "function") {
      const types = (config as { types?: Types }).types;
      if (types) return query({ ...config, types: clampingTypes(types) }, ...rest);
    }
    return query(config, ...rest);
  };
}
