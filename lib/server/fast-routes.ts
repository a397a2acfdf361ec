// The license API (and its Lemon Squeezy-compatible twin) and the admin API served straight from Node's `http`
// server, ahead of Next: no Next request pipeline on the hot path. The same
// handlers are mounted as Next route handlers for `next dev` and other hosts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_BODY_LIMIT, readNodeBody } from "../http/body";
import { clientIp } from "../http/client-ip";
import type { ApiRequest, ApiResponse } from "../http/types";
import { handleAdminApi } from "../admin-api/handlers";
import { handleLemonSqueezyApi, isLemonSqueezyPath } from "../compat/lemonsqueezy/handler";
import { handleLicenseApi, isLicenseApiPath } from "../licensing/api/router";

type Handler = (req: ApiRequest) => Promise<ApiResponse>;

function route(path: string): Handler | undefined {
  if (isLicenseApiPath(path)) return handleLicenseApi;
  if (path.startsWith("/api/v1/admin/")) return handleAdminApi;
  if (isLemonSqueezyPath(path)) return handleLemonSqueezyApi;
  return undefined;
}

async function toApiRequest(req: IncomingMessage, path: string, query: string): Promise<ApiRequest> {
  let body: Buffer = Buffer.alloc(0);
  let bodyError: unknown;
  if (req.method !== "GET" && req.method !== "HEAD") {
    try {
      body = await readNodeBody(req, API_BODY_LIMIT);
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
  const handler = route(path);
  if (!handler) return false;
  const answer = await handler(await toApiRequest(req, path, q === -1 ? "" : url.slice(q + 1)));
  res.writeHead(answer.status, { ...answer.headers, "Content-Length": answer.body.length });
  res.end(req.method === "HEAD" ? undefined : answer.body);
  return true;
}
