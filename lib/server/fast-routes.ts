// The license API (and its Lemon Squeezy-compatible twin) and the admin API served straight from Node's `http`
// server, ahead of Next: no Next request pipeline on the hot path. The same
// handlers are mounted as Next route handlers for `next dev` and other hosts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { apiBodyLimit, readNodeBody } from "../http/body";
import { clientIp } from "../http/client-ip";
import { apiSecurityHeaders } from "../http/security-headers";
import type { ApiRequest, ApiResponse } from "../http/types";
import { handleAdminApi } from "../admin-api/handlers";
import { handleLemonSqueezyApi, isLemonSqueezyPath } from "../compat/lemonsqueezy/handler";
import { isStreamingAdminRequest } from "../admin-api/releases";
import { handleReady } from "../health/readiness";
import { handleLicenseApi, isLicenseApiPath } from "../licensing/api/router";
import { handleMetrics, METRICS_PATH } from "../metrics/endpoint";
import { handleReleasesApi, isReleasesApiPath } from "../releases/api";

type Handler = (req: ApiRequest) => Promise<ApiResponse>;

/** The handler that answers `path` on the fast path, if any (also how tests send requests as the server would). */
export function fastRouteHandler(path: string): Handler | undefined {
  if (isLicenseApiPath(path)) return handleLicenseApi;
  if (path.startsWith("/api/v1/admin/")) return handleAdminApi;
  if (isLemonSqueezyPath(path)) return handleLemonSqueezyApi;
  if (isReleasesApiPath(path)) return handleReleasesApi;
  if (path === "/api/ready") return handleReady;
  if (path === METRICS_PATH) return handleMetrics;
  return undefined;
}

/** True when `handleFastRoute` answers `path` (a path without query string). */
export function isFastRoute(path: string): boolean {
  return fastRouteHandler(path) !== undefined;
}

async function toApiRequest(req: IncomingMessage, path: string, query: string): Promise<ApiRequest> {
  let body: Buffer = Buffer.alloc(0);
  let bodyError: unknown;
  // Artifact uploads (up to ARTIFACT_MAX_BYTES) are handed over unread, to be streamed.
  const streaming = isStreamingAdminRequest(req.method, path);
  if (req.method !== "GET" && req.method !== "HEAD" && !streaming) {
    try {
      body = await readNodeBody(req, apiBodyLimit(path));
    } catch (error) {
      bodyError = error;
    }
  }
  return {
    method: req.method ?? "GET",
    path,
    query: new URLSearchParams(query),
    host: req.headers.host ?? "",
    ip: clientIp(req.headers, req.socket.remoteAddress),
    headers: req.headers as Record<string, string | undefined>,
    body,
    bodyError,
    bodyStream: streaming ? req : undefined,
  };
}

/**
 * Serves the request if it is one of the APIs' routes and returns true;
 * returns false to let Next handle it.
 */
export async function handleFastRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const handler = fastRouteHandler(path);
  if (!handler) return false;
  const request = await toApiRequest(req, path, q === -1 ? "" : url.slice(q + 1));
  const answer = await handler(request);
  const headers: Record<string, string | number> = { ...apiSecurityHeaders(), ...answer.headers };
  // A streamed answer names its own length (a HEAD or a 206 too).
  if (!answer.stream && headers["Content-Length"] === undefined) headers["Content-Length"] = answer.body.length;
  // An upload refused before it was read (401, 404, 413): close rather than drain gigabytes.
  if (request.bodyStream && !request.bodyStream.readableEnded) headers.Connection = "close";
  res.writeHead(answer.status, headers);
  if (answer.stream && req.method !== "HEAD") {
    // A client that goes away mid-download destroys both ends; nothing to report.
    await pipeline(answer.stream, res).catch(() => {});
  } else {
    answer.stream?.destroy();
    res.end(req.method === "HEAD" ? undefined : answer.body);
  }
  return true;
}
