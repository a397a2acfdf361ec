// What the portal's server refuses before any handler sees the request: methods no route implements and
// paths whose percent-encoding cannot be decoded. Both used to reach Next and come back as 500s; a client's
// mistake is a 4xx (RFC 9110 section 15.5.6: a 405 names the allowed methods in `Allow`).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { apiSecurityHeaders } from "../http/security-headers";

/** Methods some route of the portal implements; anything else (TRACE, CONNECT, WebDAV's...) is 405 everywhere. */
const IMPLEMENTED = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Pages answer GET and HEAD, and POST for server actions. */
export const PAGE_METHODS = "GET, HEAD, POST";
const PAGE_METHOD_SET = new Set(PAGE_METHODS.split(", "));
/** Route handlers under these prefixes answer their own methods; OPTIONS on them lists which. */
const HANDLER_PREFIXES = ["/api/", "/v1/"];

export type Refusal = { status: number; headers: Record<string, string>; body: string };

function refusal(status: number, code: string, message: string, headers: Record<string, string> = {}): Refusal {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/**
 * True when every `%` in `path` starts a `%XX` escape and the escapes decode as UTF-8
 * (`decodeURIComponent` would not throw). Only called for paths containing `%`.
 */
export function hasValidPercentEncoding(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The answer to give instead of routing the request, or null to go on.
 * Cheap on the hot path: a Set lookup and one `indexOf`.
 */
export function refuseRequest(req: IncomingMessage, path: string): Refusal | null {
  const method = req.method ?? "GET";
  if (!IMPLEMENTED.has(method)) {
    const allow = HANDLER_PREFIXES.some((p) => path.startsWith(p)) ? "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" : PAGE_METHODS;
    return refusal(405, "METHOD_NOT_ALLOWED", `${method} is not supported`, { Allow: allow });
  }
  if (path.indexOf("%") !== -1 && !hasValidPercentEncoding(path)) {
    return refusal(400, "BAD_REQUEST", "The path has malformed percent-encoding");
  }
  return null;
}

/**
 * The answer to a method a page does not take (PUT, PATCH, DELETE, OPTIONS on `/pricing`): 405 with
 * `Allow: GET, HEAD, POST`, where Next would render the page with 200 (or answer OPTIONS 400).
 * `route` is the request's route template; `pages` the templates that are pages, not route handlers
 * (lib/metrics/routes.ts nextPageRoutes). Null to go on.
 */
export function refusePageMethod(method: string, route: string, pages: ReadonlySet<string>): Refusal | null {
  if (PAGE_METHOD_SET.has(method) || !pages.has(route)) return null;
  return refusal(405, "METHOD_NOT_ALLOWED", `${method} is not supported`, { Allow: PAGE_METHODS });
}

/**
 * Node hands CONNECT (a proxy tunnel request) to the server's "connect" event rather than to the request
 * listener, and closes the socket when nothing listens: the client sees a dropped connection. The portal is
 * no proxy; it answers 405 like any other method it does not implement.
 */
export function refuseConnect(socket: Duplex): void {
  const body = JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: "CONNECT is not supported" } });
  const headers = { ...apiSecurityHeaders(), Allow: PAGE_METHODS, "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)), Connection: "close" };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(`HTTP/1.1 405 Method Not Allowed\r\n${head}\r\n${body}`);
}
