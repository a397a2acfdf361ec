// The license and admin APIs are written against these two framework-neutral
// shapes, so one handler serves both the Node fast path and Next route handlers.
import type { Readable } from "node:stream";

export type ApiRequest = {
  method: string;
  /** path without query string */
  path: string;
  /** query string parameters */
  query: URLSearchParams;
  /** Host header, as the client sent it (it is covered by response signatures) */
  host: string;
  ip: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** set when the body could not be read (too large, aborted); `body` is then empty */
  bodyError?: unknown;
  /**
   * Streaming routes only (see `isStreamingPath`): the unread request body, for
   * bodies too large to buffer (artifact uploads); `body` is then empty.
   */
  bodyStream?: Readable;
};

export type ApiResponse = {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /**
   * A body too large to buffer (artifact downloads), sent instead of `body`;
   * the handler sets Content-Length itself.
   */
  stream?: Readable;
};

export function jsonResponse(status: number, json: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
    body: Buffer.from(JSON.stringify(json)),
  };
}
