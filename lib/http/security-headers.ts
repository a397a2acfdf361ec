// The security headers every answer carries: pages, route handlers, static files, the license API's fast
// path, 404s and 405s. Built once per process (APP_URL decides HSTS), so the hot path only copies a few
// precomputed strings. Pages get a nonce-based Content-Security-Policy from proxy.ts; everything else gets
// the strict API policy below, which also forbids framing.

/** `Content-Security-Policy` for anything that is not an HTML page (JSON, files): load nothing, never framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * `Content-Security-Policy` for HTML pages. Scripts: only those carrying this response's nonce (Next adds it to
 * its own inline and external scripts) and what they load ('strict-dynamic'); `'self'` is the fallback for
 * browsers without CSP 3. Styles allow inline because React `style` attributes (recharts) and Next's style
 * tags cannot carry a nonce on attributes. No framing, no plugins, no foreign base URL. Development adds
 * 'unsafe-eval', which React's dev build needs (Next's CSP guide).
 * @param nonce base64, fresh per response
 */
export function pageCsp(nonce: string, dev = process.env.NODE_ENV === "development"): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Two years, the preload list's minimum is one; only sent when the portal is served over https. */
const HSTS = "max-age=63072000; includeSubDomains";

/**
 * The headers that do not depend on the kind of answer, as `[name, value]` pairs. `Strict-Transport-Security`
 * only when `appUrl` (APP_URL) is https: over plain http a browser ignores it, and a local start must not
 * pin a developer's localhost to https.
 */
export function baseSecurityHeaders(appUrl: string | undefined = process.env.APP_URL): [string, string][] {
  const headers: [string, string][] = [
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"],
    // For browsers that predate `frame-ancestors`.
    ["X-Frame-Options", "DENY"],
  ];
  if (appUrl && /^https:\/\//i.test(appUrl.trim())) headers.push(["Strict-Transport-Security", HSTS]);
  return headers;
}

let apiHeaders: Readonly<Record<string, string>> | undefined;

/**
 * Every security header of a non-page answer (base headers + API_CSP), as one frozen object computed on first
 * use: the fast path spreads it into `writeHead`.
 */
export function apiSecurityHeaders(): Readonly<Record<string, string>> {
  apiHeaders ??= Object.freeze(Object.fromEntries([...baseSecurityHeaders(), ["Content-Security-Policy", API_CSP]]));
  return apiHeaders;
}

/** Forgets the computed headers (tests change APP_URL). */
export function resetSecurityHeadersForTests(): void {
  apiHeaders = undefined;
}
