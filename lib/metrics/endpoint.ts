// `GET /metrics` in Prometheus' text exposition format. On the portal's own
// port it needs `Authorization: Bearer <token>`: METRICS_TOKEN, or any admin
// API token (ADMIN_API_TOKEN or one created in the console). With METRICS_PORT
// it is served on that port instead (and no longer on the main one), open
// unless METRICS_TOKEN is set: a port reachable only from the monitoring
// network is the protection Prometheus deployments usually rely on.
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { authenticateAdmin } from "../admin-api/auth";
import { ApiError, errorResponse } from "../http/errors";
import { jsonResponse, type ApiRequest, type ApiResponse } from "../http/types";
import { metrics } from "./registry";

export const METRICS_PATH = "/metrics";

function bearer(req: ApiRequest): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? "")?.[1];
}

// Hashing both sides gives equal lengths, so the comparison leaks neither the token nor its length.
function matchesMetricsToken(token: string | undefined): boolean {
  const expected = process.env.METRICS_TOKEN?.trim();
  if (!expected || token === undefined) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(token), digest(expected));
}

async function authorize(req: ApiRequest, open: boolean): Promise<void> {
  if (open && !process.env.METRICS_TOKEN?.trim()) return;
  if (matchesMetricsToken(bearer(req))) return;
  try {
    await authenticateAdmin(req);
  } catch (error) {
    if (error instanceof ApiError && error.code === "UNAUTHORIZED") {
      throw new ApiError("UNAUTHORIZED", "A metrics token (METRICS_TOKEN) or an admin API token is required", {
        headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
      });
    }
    throw error;
  }
}

/** The METRICS_PORT setting: a port number, or undefined to serve /metrics on the main port. Throws on a bad value. */
export function metricsPort(): number | undefined {
  const raw = process.env.METRICS_PORT?.trim();
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`METRICS_PORT=${JSON.stringify(raw)} is not a port number (1-65535)`);
  }
  return port;
}

/**
 * Answers `GET /metrics`. `open` is true on the separate METRICS_PORT
 * listener, where no token is needed unless METRICS_TOKEN is set.
 */
export async function handleMetrics(req: ApiRequest, options: { open?: boolean } = {}): Promise<ApiResponse> {
  try {
    if (req.method !== "GET" && req.method !== "HEAD") {
      throw new ApiError("METHOD_NOT_ALLOWED", "Use GET", { headers: { Allow: "GET, HEAD" } });
    }
    // With METRICS_PORT the main port does not serve metrics at all.
    if (!options.open && metricsPort() !== undefined) throw new ApiError("NOT_FOUND", "Metrics are served on METRICS_PORT");
    await authorize(req, options.open ?? false);
    const { registry } = metrics();
    return {
      status: 200,
      headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
      body: Buffer.from(await registry.metrics()),
    };
  } catch (error) {
    const { status, headers, json } = errorResponse(error);
    return jsonResponse(status, json, headers);
  }
}

/**
 * Starts the separate metrics listener on `port` (METRICS_PORT): it answers
 * /metrics and nothing else. Returns its port and a close function.
 */
export async function startMetricsServer(port: number, hostname = "0.0.0.0"): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0];
    const answer: Promise<ApiResponse> =
      pathname === METRICS_PATH
        ? handleMetrics(
            {
              method: req.method ?? "GET",
              path: pathname,
              query: new URLSearchParams(),
              host: req.headers.host ?? "",
              ip: req.socket.remoteAddress ?? "",
              headers: req.headers as Record<string, string | undefined>,
              body: Buffer.alloc(0),
            },
            { open: true },
          )
        : Promise.resolve(jsonResponse(404, { error: { code: "NOT_FOUND", message: "Only /metrics is served here" } }));
    void answer.then((a) => {
      res.writeHead(a.status, { ...a.headers, "Content-Length": a.body.length });
      res.end(req.method === "HEAD" ? undefined : a.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
