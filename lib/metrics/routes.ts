// The `route` label of a request: a template such as `/account/licenses/[id]`
// or `/api/v1/admin/licenses/:id`, never the raw path. Raw paths would put ids
// (and, in a hostile request, anything at all) into label values, and every
// distinct value is a time series kept in memory forever.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The label of every path no route answers (404s, scans for /wp-admin, ...). */
export const UNMATCHED = "unmatched";

type PageRoute = { page: string; regex: RegExp };

// A path segment the admin API (or another API mount) names literally: a short
// lower-case word such as `licenses` or `webhook-endpoints`, or a version
// (`v1`). Everything else is a value (an id, a key, a name) and becomes `:id`:
// ids carry digits or upper case, so a word of letters alone is a name.
const LITERAL_SEGMENT = /^(?:[a-z]{1,24}(?:-[a-z]{1,24}){0,3}|v\d{1,2})$/;

/**
 * Template of an API path whose route matched: value segments replaced by
 * `:id`. Only for answers that prove a route matched (see `apiRouteLabel`).
 */
export function apiTemplate(pathname: string): string {
  return pathname
    .replace(/\/+$/, "")
    .split("/")
    .map((segment, i) => (i === 0 || LITERAL_SEGMENT.test(segment) ? segment : ":id"))
    .join("/");
}

/**
 * The label of a request answered by one of the fast path's API mounts
 * (`mount` is its fixed prefix, e.g. `/api/v1/admin`). 401 and 404 are
 * answered before or instead of routing, so a caller without a token or with
 * a made-up path gets the mount's label, not one of its own making.
 */
export function apiRouteLabel(mount: string, pathname: string, status: number): string {
  if (status === 401 || status === 404) return `${mount}/*`;
  return apiTemplate(pathname);
}

/**
 * Next's page and route handler templates from the build's routes manifest
 * (`.next/routes-manifest.json`: `staticRoutes` and `dynamicRoutes`, each
 * `{page, regex}`). Without a manifest (`next dev` before the first compile)
 * every Next request is labelled `next`.
 */
export function nextRouteMatcher(dir: string): (pathname: string) => string {
  const file = path.join(dir, ".next", "routes-manifest.json");
  if (!existsSync(file)) return () => "next";
  let routes: PageRoute[] = [];
  try {
    const manifest = JSON.parse(readFileSync(file, "utf8")) as {
      staticRoutes?: { page: string; regex: string }[];
      dynamicRoutes?: { page: string; regex: string }[];
    };
    // Static routes first: `/admin/licenses/new` must win over `/admin/licenses/[id]`.
    routes = [...(manifest.staticRoutes ?? []), ...(manifest.dynamicRoutes ?? [])].map((r) => ({
      page: r.page,
      regex: new RegExp(r.regex),
    }));
  } catch {
    return () => "next";
  }
  const cache = new Map<string, string>();
  return (pathname) => {
    if (pathname.startsWith("/_next/static/")) return "/_next/static";
    if (pathname.startsWith("/_next/")) return "/_next";
    const cached = cache.get(pathname);
    if (cached !== undefined) return cached;
    const label = routes.find((r) => r.regex.test(pathname))?.page ?? UNMATCHED;
    // Bounded: only paths of real routes are remembered, and at most 10,000.
    if (label !== UNMATCHED && cache.size < 10_000) cache.set(pathname, label);
    return label;
  };
}

/**
 * The route templates (as {@link nextRouteMatcher} answers them) that are pages, not route handlers,
 * read from the build's `.next/app-path-routes-manifest.json` (`"/pricing/page": "/pricing"`). Empty
 * when there is no build. Pages answer GET, HEAD and POST (server actions) only.
 */
export function nextPageRoutes(dir: string): ReadonlySet<string> {
  const file = path.join(dir, ".next", "app-path-routes-manifest.json");
  if (!existsSync(file)) return new Set();
  try {
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    return new Set(Object.entries(manifest).filter(([entry]) => entry.endsWith("/page")).map(([, route]) => route));
  } catch {
    return new Set();
  }
}
