// Artifacts on local disk under PORTAL_DATA_DIR (default .data/): the store a
// single-instance install needs, with nothing to configure.
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";
import type { BlobStore, ByteRange } from "./types";

// Keys are ours (e.g. "artifacts/<uuid>"), but a key must never leave the root.
const SAFE_KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*(\/[a-zA-Z0-9][a-zA-Z0-9._-]*)*$/;

export class DiskStore implements BlobStore {
  readonly kind = "disk" as const;

  constructor(private readonly root: string) {}

  private file(key: string): string {
    if (!SAFE_KEY.test(key) || key.split("/").includes("..")) throw new Error(`unsafe storage key: ${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, body: Readable): Promise<void> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Written beside the target and renamed into place, so a reader never sees half a file.
    const partial = `${target}.${randomUUID()}.partial`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: "wx" }));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    // Opened before answering, not only checked: a file removed after this point (the clean-up job of
    // a replaced artifact, say) is still read whole from the open descriptor, where a stat-then-open
    // left a window in which the stream failed with ENOENT half-way through an answer.
    let handle;
    try {
      handle = await open(this.file(key), "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async directUrl(): Promise<string | null> {
    return null;
  }
}
