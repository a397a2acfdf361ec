// Mounts a framework-neutral API handler as a Next route handler.
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { apiBodyLimit, readWebBody } from "./body";
import { clientIp } from "./client-ip";
import type { ApiRequest, ApiResponse } from "./types";

/**
 * Route handlers and pages do not see the socket. The portal's server appends
 * the peer address to X-Forwarded-For (appendPeerAddress), so its last entry
 * plays the socket's remote address and the rest is what the client (or our
 * proxies, see TRUST_PROXY) sent.
 */
export function clientIpFromHeaders(headers: Record<string, string> | Headers): string {
  const forwarded = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
  const entries = (forwarded ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const peer = entries.pop();
  return clientIp({ "x-forwarded-for": entries.join(",") }, peer);
}

/**
 * `stream: true` hands the body over unread as `bodyStream` (artifact uploads), instead of
 * reading at most `bodyLimit` bytes (default: the path's, see apiBodyLimit) into `body`.
 */
export async function toApiRequest(request: Request, bodyLimit?: number, options: { stream?: boolean } = {}): Promise<ApiRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  let body: Buffer = Buffer.alloc(0);
  let bodyError: unknown;
  let bodyStream: Readable | undefined;
  if (options.stream) {
    bodyStream = request.body ? Readable.fromWeb(request.body as NodeWebStream<Uint8Array>) : Readable.from([]);
  } else if (request.method !== "GET" && request.method !== "HEAD") {
    try {
      body = await readWebBody(request, bodyLimit ?? apiBodyLimit(url.pathname));
    } catch (error) {
      bodyError = error;
    }
  }
  return {
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    host: request.headers.get("host") ?? url.host,
    ip: clientIpFromHeaders(headers),
    headers,
    body,
    bodyError,
    bodyStream,
  };
}

export function toWebResponse(res: ApiResponse): Response {
  // 204/304 and HEAD answers must not carry a body at all.
  const empty = res.status === 204 || res.status === 304;
  const body = res.stream ? (Readable.toWeb(res.stream) as ReadableStream<Uint8Array>) : empty ? null : new Uint8Array(res.body);
  return new Response(body, { status: res.status, headers: res.headers });
}

/** A Next route handler for `handler`. */
export function nextRoute(handler: (req: ApiRequest) => Promise<ApiResponse>, bodyLimit?: number) {
  return async (request: Request): Promise<Response> => toWebResponse(await handler(await toApiRequest(request, bodyLimit)));
}
