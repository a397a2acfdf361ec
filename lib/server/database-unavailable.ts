// Pages and Next's route handlers while the database is unreachable: 503 with
// Retry-After, like the APIs, instead of a 500 error page or a wait.
import type { IncomingMessage, ServerResponse } from "node:http";
import { databaseUnreachable } from "../db/client";

const RETRY_AFTER_SECONDS = "5";

// Next's build output and files that never touch the database.
const isStaticAsset = (url: string) => url.startsWith("/_next/static/") || url === "/favicon.ico";

/**
 * For requests about to go to Next. While the circuit is open (lib/db/circuit-breaker.ts)
 * answers 503 at once, and returns true, for everything but static assets and
 * the liveness probe (which says "db": "down" itself). Otherwise returns false
 * and makes sure a page that failed because the database became unreachable
 * while it rendered answers 503 with Retry-After rather than 500.
 */
export function answerIfDatabaseUnreachable(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  if (isStaticAsset(url) || url.startsWith("/api/health")) return false;
  if (databaseUnreachable()) {
    const html = (req.headers.accept ?? "").includes("text/html");
    const body = html
      ? "<!doctype html><title>Temporarily unavailable</title><h1>Temporarily unavailable</h1><p>The service cannot reach its database. Please try again in a moment.</p>"
      : JSON.stringify({ error: { code: "UNAVAILABLE", message: "The database is unavailable; retry shortly" } });
    res.writeHead(503, {
      "Content-Type": html ? "text/html; charset=utf-8" : "application/json",
      "Retry-After": RETRY_AFTER_SECONDS,
      "Cache-Control": "no-store",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
  // Every way of sending the status line (explicit or implicit headers) goes through writeHead.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (status >= 500 && databaseUnreachable()) {
      res.setHeader("Retry-After", RETRY_AFTER_SECONDS);
      return writeHead(503, ...rest);
    }
    return writeHead(status, ...rest);
  }) as ServerResponse["writeHead"];
  return false;
}
