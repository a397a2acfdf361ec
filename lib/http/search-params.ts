// Query parameters as Next.js hands them to a page: `searchParams` values are a string, an array
// (the name given more than once: `?callback=a&callback=b`) or undefined, whatever the page's
// props type says. Code that reads one as a string (`.startsWith`, `new URL`) threw on the array
// and the page answered 500 (API.md "Input domain": never a 5xx for anything a client sends).

/** A value of a page's `searchParams`, as Next.js really passes it. */
export type SearchParamValue = string | string[] | undefined;

/**
 * The one value of a page's query parameter, or undefined when it is absent or given more than
 * once: which of several counts would be a guess (the admin API answers 400 for the same,
 * lib/admin-api/schemas.ts parseQuery), and a page treats it like a missing parameter.
 */
export function singleSearchParam(value: SearchParamValue | unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
