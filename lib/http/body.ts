// Request bodies read with a hard size limit, for both mounts of the API: Node's
// IncomingMessage (the production server) and the Web Request (Next route handlers).
// A body is refused as soon as it is known to be too big, from its Content-Length
// or from the bytes received so far, so no client can make us buffer more than `limit`.
import type { IncomingMessage } from "node:http";
import { ApiError } from "./errors";

export const API_BODY_LIMIT = 16 * 1024;
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** A bulk license import: up to 1,000 licenses with their machines (API.md "Admin API additions"). */
export const IMPORT_BODY_LIMIT = 8 * 1024 * 1024;

/** The body limit of an API path: 16 KiB everywhere but the bulk import. */
export function apiBodyLimit(path: string): number {
  return path.replace(/\/+$/, "") === "/api/v1/admin/licenses/import" ? IMPORT_BODY_LIMIT : API_BODY_LIMIT;
}

function tooLarge(limit: number): ApiError {
  return new ApiError("PAYLOAD_TOO_LARGE", `Request body exceeds ${limit} bytes`);
}

function declaredLength(value: string | null | undefined): number {
  return value ? Number(value) : 0;
}

export function readNodeBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: ApiError) => {
      req.off("data", onData).off("end", onEnd).off("error", onAbort);
      if (!error) return resolve(Buffer.concat(chunks, size));
      // Drain the rest rather than leave it unread, so the connection can carry
      // the error response (and the next request) without relying on Node's
      // own clean-up after the response.
      req.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    // The client went away mid-body (Node emits "aborted" as an error only to
    // listeners): nobody will read the answer, but the handler must not wait
    // forever nor log it as a server fault.
    const onAbort = () => done(new ApiError("BAD_REQUEST", "Request body was not fully received"));

    if (declaredLength(req.headers["content-length"]) > limit) return done(tooLarge(limit));
    req.on("data", onData).on("end", onEnd).on("error", onAbort);
  });
}

export async function readWebBody(request: Request, limit: number): Promise<Buffer> {
  if (declaredLength(request.headers.get("content-length")) > limit) {
    await request.body?.cancel();
    throw tooLarge(limit);
  }
  if (!request.body) return Buffer.alloc(0);
  // The header can lie (or be absent): count what actually arrives.
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
}
