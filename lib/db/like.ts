// "Contains" searches through Prisma, which hands `contains` / `startsWith`
// values to PostgreSQL's (I)LIKE unescaped: `_` and `%` would be wildcards and a
// backslash an escape, so a search for "kim_park" found "kim.park" (issue 11).

/** `value` with LIKE's metacharacters (`\`, `%`, `_`) escaped by PostgreSQL's default escape, `\`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

/** A Prisma string filter: case-insensitive "contains `value`", every character literal. */
export function containsText(value: string): { contains: string; mode: "insensitive" } {
  return { contains: escapeLike(value), mode: "insensitive" };
}

/** A Prisma string filter: "starts with `value`", every character literal. */
export function startsWithText(value: string): { startsWith: string } {
  return { startsWith: escapeLike(value) };
}
