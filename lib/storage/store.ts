// Which store holds artifacts: S3 when S3_BUCKET is set, else the local disk
// under PORTAL_DATA_DIR (default .data/), in `artifacts/`.
import path from "node:path";
import { dataDir } from "../config/secrets";
import { DiskStore } from "./disk";
import { S3Store, s3ConfigFromEnv } from "./s3";
import type { BlobStore } from "./types";

let current: { signature: string; store: BlobStore } | undefined;

/**
 * The configured store, created once per configuration (tests switch the
 * environment between files; a running portal never does).
 */
export function blobStore(): BlobStore {
  const s3 = s3ConfigFromEnv();
  const signature = s3 ? `s3:${JSON.stringify(s3)}` : `disk:${dataDir()}`;
  if (current?.signature !== signature) {
    current = { signature, store: s3 ? new S3Store(s3) : new DiskStore(path.join(dataDir(), "blobs")) };
  }
  return current.store;
}

export type { BlobStore, ByteRange } from "./types";
export { contentDisposition } from "./content-disposition";
