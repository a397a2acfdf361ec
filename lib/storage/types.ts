// The one small interface artifacts are kept behind (lib/releases never knows
// where bytes live): local disk by default, any S3-compatible store when
// S3_BUCKET is set. Every method streams; none holds a whole object in memory.
import type { Readable } from "node:stream";

/** An inclusive byte range, as HTTP's `Range: bytes=start-end` names it. */
export type ByteRange = { start: number; end: number };

export interface BlobStore {
  /** "disk" or "s3", for logs and the README's configuration table. */
  readonly kind: "disk" | "s3";
  /**
   * Stores the stream's bytes under `key`, replacing any object there. `size`
   * is the exact length when known (S3 then needs one PUT; unknown sizes go up
   * in parts). Rejects, leaving no object behind, when the stream errors.
   */
  put(key: string, body: Readable, size?: number): Promise<void>;
  /** The bytes of `key` (or of `range` of it) as a stream; null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Removes the object; no error when it does not exist. */
  delete(key: string): Promise<void>;
  /**
   * A URL the client can fetch the object from directly (S3: a presigned GET
   * that answers with `filename` in Content-Disposition), or null when the
   * portal serves the bytes itself (disk).
   */
  directUrl(key: string, opts: { filename: string; expiresInSeconds: number }): Promise<string | null>;
}
