// fast-check arbitraries read from a served OpenAPI 3.1 document: values a schema accepts (for valid
// requests) and values it refuses (for invalid ones). Covers the JSON Schema the portal's document uses:
// objects, strings (lengths, patterns, formats), integers, booleans, arrays, enums, consts, anyOf, $ref, null.
import fc from "fast-check";

type Json = Record<string, unknown>;

function resolve(doc: Json, schema: Json): Json {
  let s = schema;
  for (let i = 0; typeof s.$ref === "string" && i < 20; i++) {
    let target: unknown = doc;
    for (const part of (s.$ref as string).slice(2).split("/")) target = (target as Json)[part];
    s = target as Json;
  }
  return s;
}

const EMAILS = ["ada@example.com", "b.c+tag@example.org", "x@sub.example.net"];
const INSTANTS = ["2027-01-31T23:59:59Z", "2030-06-01T12:00:00.000Z", "2028-02-29T00:00:00+02:00"];
const UUIDS = ["7c9e6679-7425-40de-944b-e07fc1f90ae7", "00000000-0000-4000-8000-000000000000"];

function stringArbitrary(schema: Json): fc.Arbitrary<string> {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? Math.min(schema.maxLength, 300) : 64;
  const extra = Array.isArray(schema.allOf) ? (schema.allOf as Json[]).map((s) => s.pattern).filter((p): p is string => typeof p === "string") : [];
  const patterns = [...(typeof schema.pattern === "string" ? [schema.pattern] : []), ...extra].map((p) => new RegExp(p, "u"));
  const fits = (s: string) => s.length >= min && s.length <= max && patterns.every((p) => p.test(s));
  if (schema.format === "email") return fc.constantFrom(...EMAILS);
  if (schema.format === "date-time") return fc.constantFrom(...INSTANTS);
  if (schema.format === "uuid") return fc.oneof(fc.uuid({ version: 4 }), fc.constantFrom(...UUIDS));
  const base = patterns[0] ? fc.stringMatching(patterns[0]) : fc.string({ minLength: min, maxLength: max, unit: "grapheme" });
  const examples = (Array.isArray(schema.examples) ? schema.examples : []).filter((e): e is string => typeof e === "string" && fits(e));
  const generated = base.filter(fits);
  return examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), generated) : generated;
}

/** Values `schema` accepts. */
export function validValue(doc: Json, input: Json): fc.Arbitrary<unknown> {
  const schema = resolve(doc, input);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as Json[]).map((s) => validValue(doc, s)));
  if (Array.isArray(schema.oneOf)) return fc.oneof(...(schema.oneOf as Json[]).map((s) => validValue(doc, s)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number":
      return fc.integer({
        min: typeof schema.minimum === "number" ? schema.minimum : -1_000_000,
        max: typeof schema.maximum === "number" ? schema.maximum : 1_000_000,
      });
    case "string":
      return stringArbitrary(schema);
    case "array": {
      const items = schema.items ? validValue(doc, schema.items as Json) : fc.string();
      const arr = fc.array(items, { maxLength: Math.min(typeof schema.maxItems === "number" ? schema.maxItems : 5, 5) });
      return arr;
    }
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set((schema.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(properties)) record[name] = validValue(doc, sub);
      const optional = Object.keys(properties).filter((n) => !required.has(n));
      const min = typeof schema.minProperties === "number" ? schema.minProperties : 0;
      return fc.record(record, { requiredKeys: [...required] }).filter((v) => Object.keys(v as object).length >= min || optional.length === 0);
    }
    default:
      return fc.jsonValue();
  }
}

/** Values that break `schema` in one place: a wrong type, a missing required field, a string out of bounds. */
export function invalidValue(doc: Json, input: Json): fc.Arbitrary<unknown> {
  const schema = resolve(doc, input);
  const type = Array.isArray(schema.type) ? schema.type : [schema.type];
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!type.includes("string")) candidates.push(fc.string());
  if (!type.includes("integer") && !type.includes("number")) candidates.push(fc.oneof(fc.integer(), fc.double()));
  if (!type.includes("boolean")) candidates.push(fc.boolean());
  if (!type.includes("null")) candidates.push(fc.constant(null));
  if (!type.includes("array")) candidates.push(fc.array(fc.jsonValue(), { maxLength: 3 }));
  if (!type.includes("object")) candidates.push(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }));
  const wrongTypes = fc.oneof(...candidates);
  if (schema.type === "object") {
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    const required = (schema.required ?? []) as string[];
    const names = Object.keys(properties);
    if (names.length === 0) return wrongTypes;
    const valid = validValue(doc, schema) as fc.Arbitrary<Record<string, unknown>>;
    const oneBroken = fc.tuple(valid, fc.constantFrom(...names)).chain(([value, name]) =>
      invalidValue(doc, properties[name]!).map((bad) => ({ ...value, [name]: bad })),
    );
    const missing = required.length > 0 ? fc.tuple(valid, fc.constantFrom(...required)).map(([value, name]) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== name))) : oneBroken;
    return fc.oneof(oneBroken, missing, wrongTypes);
  }
  if (schema.type === "string" && typeof schema.maxLength === "number") return fc.oneof(wrongTypes, fc.constant("x".repeat(schema.maxLength + 1)));
  if (schema.type === "integer" && typeof schema.maximum === "number") return fc.oneof(wrongTypes, fc.constant(schema.maximum + 1), fc.constant(1.5));
  return wrongTypes;
}
