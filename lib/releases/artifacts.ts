// Artifact uploads, streamed: the bytes flow from the request through the
// hashes (SHA-256 and SHA-512, computed on the way in) into the store, a chunk
// at a time, so a 2 GiB upload costs the process a few buffers, not 2 GiB. The
// row naming the object is written only after every byte is stored; an upload
// that fails or exceeds ARTIFACT_MAX_BYTES leaves no row and no object. Files a
// row no longer names (deleted, replaced, orphaned by a crash) are removed by a
// job recorded with the change (lib/releases/blob-cleanup.ts), never inline
// after a transaction whose outcome the process may not know.
import { createHash, randomUUID } from "node:crypto";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError } from "../http/errors";
import { blobStore } from "../storage/store";
import { queueFileCleanup, UPLOAD_GRACE_MS } from "./blob-cleanup";
import { toArtifactRecord } from "./catalog";
import { findRelease, type ArtifactView, type ChangeContext } from "./releases";
import type { Arch, Platform } from "./schemas";

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

/** ARTIFACT_MAX_BYTES (bytes; default 2 GiB): the largest artifact accepted. */
export function artifactMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.ARTIFACT_MAX_BYTES);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_MAX_BYTES;
}

const tooLarge = (limit: number) => new ApiError("PAYLOAD_TOO_LARGE", `An artifact may be at most ${limit} bytes (ARTIFACT_MAX_BYTES)`);

/** Passes bytes through unchanged while hashing and counting them; fails past `limit` bytes. */
export class HashingCounter extends Transform {
  readonly sha256 = createHash("sha256");
  readonly sha512 = createHash("sha512");
  size = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) return done(tooLarge(this.limit));
    this.sha256.update(chunk);
    this.sha512.update(chunk);
    done(null, chunk);
  }
}

export type ArtifactUpload = {
  releaseId: string;
  filename: string;
  platform: Platform;
  arch: Arch;
  signature?: string;
  body: Readable;
  /** the request's Content-Length, when it sent one (bytes) */
  declaredSize?: number;
};

/**
 * Stores an artifact of a release; a file of the same name in that release is replaced (its old
 * object deleted by a job recorded in the commit that replaces the row). Throws 404 for an unknown release, 413 past
 * ARTIFACT_MAX_BYTES (before reading anything when Content-Length says so), 400 for an empty or
 * interrupted body. Returns `created: false` when it replaced a file.
 */
export async function uploadArtifact(upload: ArtifactUpload, ctx: ChangeContext): Promise<{ artifact: ArtifactView; created: boolean }> {
  const limit = artifactMaxBytes();
  const release = await findRelease(upload.releaseId);
  if (upload.declaredSize !== undefined && upload.declaredSize > limit) throw tooLarge(limit);

  const store = blobStore();
  const storageKey = `artifacts/${release.id}/${randomUUID()}`;
  // Committed before a byte is stored: should this process die before the row commits, the file is
  // removed a day later; once the row names it, the job leaves it alone.
  await queueFileCleanup(prisma(), storageKey, new Date(Date.now() + UPLOAD_GRACE_MS));
  const counter = new HashingCounter(limit);
  // The request's own failure (client gone mid-body) reaches the store through the pipe.
  upload.body.on("error", (error) => counter.destroy(error));
  upload.body.on("aborted", () => counter.destroy(new ApiError("BAD_REQUEST", "The upload was interrupted before the body was complete")));
  // The store may attach its own pipeline a moment later (after creating a directory); until then an
  // error (e.g. past the limit) stays on the stream, where that pipeline finds it, instead of going uncaught.
  counter.on("error", () => {});
  try {
    await store.put(storageKey, upload.body.pipe(counter), upload.declaredSize);
  } catch (error) {
    await store.delete(storageKey).catch(() => {});
    if (error instanceof ApiError) throw error;
    if (counter.size < (upload.declaredSize ?? 0) || isAbort(error)) {
      throw new ApiError("BAD_REQUEST", "The upload was interrupted before the body was complete");
    }
    throw error;
  }
  if (counter.size === 0) {
    await store.delete(storageKey).catch(() => {});
    throw new ApiError("BAD_REQUEST", "The artifact is empty: send its bytes as the request body");
  }

  const digests = { size: BigInt(counter.size), sha256: counter.sha256.digest("hex"), sha512: counter.sha512.digest("hex") };
  let result: { artifact: ArtifactView; created: boolean };
  try {
    result = await prisma().$transaction(async (tx) => {
      const previous = await tx.artifact.findUnique({ where: { releaseId_filename: { releaseId: release.id, filename: upload.filename } } });
      const data = { platform: upload.platform, arch: upload.arch, signature: upload.signature ?? null, storageKey, ...digests };
      const row = previous
        ? await tx.artifact.update({ where: { id: previous.id }, data })
        : await tx.artifact.create({ data: { ...data, releaseId: release.id, filename: upload.filename } });
      // The old bytes are unreachable once this commits; a rollback records no job and keeps them.
      if (previous) await queueFileCleanup(tx, previous.storageKey);
      // The admin API's view of the stored row: every field but where the bytes live.
      const { storageKey: _where, ...artifact }: ArtifactView & { storageKey: string } = toArtifactRecord(row);
      await writeAudit(tx, {
        actor: ctx.actor,
        action: previous ? "artifact.replace" : "artifact.upload",
        target: { type: "release", id: release.id },
        ip: ctx.ip,
        data: { version: release.version, filename: artifact.filename, platform: artifact.platform, arch: artifact.arch, size: artifact.size, sha256: artifact.sha256 },
      });
      return { artifact, created: !previous };
    });
  } catch (error) {
    // Not deleted here: the commit may have succeeded with only its answer lost. The job checks
    // whether a row names the file first (and the upload's own delayed job remains, should this fail).
    await queueFileCleanup(prisma(), storageKey).catch(() => {});
    throw error;
  }
  return result;
}

function isAbort(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ABORT_ERR";
}

/** Removes one file of a release: the row, and the object by a job recorded in the same commit. Throws 404 when the release has no such file. */
export async function deleteArtifact(releaseId: string, filename: string, ctx: ChangeContext): Promise<void> {
  const release = await findRelease(releaseId);
  await prisma().$transaction(async (tx) => {
    const row = await tx.artifact.findUnique({ where: { releaseId_filename: { releaseId: release.id, filename } } });
    if (!row) throw new ApiError("NOT_FOUND", `The release has no file named ${filename}`);
    await tx.artifact.delete({ where: { id: row.id } });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "artifact.delete",
      target: { type: "release", id: release.id },
      ip: ctx.ip,
      data: { version: release.version, filename, sha256: row.sha256 },
    });
    await queueFileCleanup(tx, row.storageKey);
  });
}
