import { z } from "zod";

// Any 8-4-4-4-12 hex string, the form PostgreSQL's uuid type accepts. Anything else
// would make the query fail with an error; to a customer it is simply "not found".
const id = z.guid();

export function parseId(value: unknown): string | null {
  const parsed = id.safeParse(value);
  return parsed.success ? parsed.data.toLowerCase() : null;
}

export const idSchema = id;
