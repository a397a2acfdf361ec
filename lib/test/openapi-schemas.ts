// Reads schemas of a served OpenAPI 3.1 document back into validators (zod's own JSON Schema reader), so tests
// check bodies against what the document really says, not against the zod schemas it was generated from.
import { z } from "zod";

type Json = Record<string, unknown>;

/**
 * A validator for `schema`, a schema of `doc` that may `$ref` its `#/components/schemas/...`.
 * @throws Error when the schema uses a JSON Schema feature zod cannot read.
 */
export function validatorFor(doc: Json, schema: unknown): z.ZodType {
  const components = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
  const text = JSON.stringify({ ...(schema as Json), $defs: components }).replaceAll('"#/components/schemas/', '"#/$defs/');
  return z.fromJSONSchema(JSON.parse(text));
}

/** Every (method, path, operation) of a document. */
export function documentOperations(doc: Json): { method: string; path: string; op: Json }[] {
  const methods = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    methods.filter((m) => typeof item[m] === "object" && item[m] !== null).map((m) => ({ method: m.toUpperCase(), path, op: item[m] as Json })),
  );
}
