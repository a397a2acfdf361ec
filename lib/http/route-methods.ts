// Next answers a method a route handler does not export with a bare 405 and no `Allow` header, which RFC 9110
// (section 15.5.6) requires. Routes export these instead for the methods they do not implement.

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * 405 handlers, with `Allow` and the API's error body, for every method of GET/POST/PUT/PATCH/DELETE that the
 * route does not implement. `Allow` lists what Next then answers: the implemented methods, HEAD when GET is
 * implemented, and OPTIONS. Use: `export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);`
 */
export function otherMethods(implemented: Method[]): Record<Method, () => Response> {
  const allow = [...implemented, ...(implemented.includes("GET") ? ["HEAD"] : []), "OPTIONS"].sort().join(", ");
  const notAllowed = (): Response =>
    Response.json(
      { error: { code: "METHOD_NOT_ALLOWED", message: `Use ${allow}` } },
      { status: 405, headers: { Allow: allow, "Cache-Control": "no-store" } },
    );
  return Object.fromEntries(METHODS.filter((m) => !implemented.includes(m)).map((m) => [m, notAllowed])) as Record<Method, () => Response>;
}
