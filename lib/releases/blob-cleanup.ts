// Removing stored artifact files only once nothing can need them. A file is deleted by
// a job (lib/jobs outbox) that first checks that no artifact row names it, so:
// - deleting or replacing an artifact records the job in the same transaction as the
//   row change: a rolled-back change records none and its file stays; a committed one
//   reaches a worker even when the process dies right after the commit;
// - every upload records a job for its own new file BEFORE the bytes are stored,
//   delayed by UPLOAD_GRACE_MS: when the upload's row commits the job finds it and keeps
//   the file, and when the process dies mid-upload the job removes the orphan later.
// A failed delete is retried by pg-boss; deleting an object that is gone is no error.
import { prisma } from "../db/client";
import type { Tx } from "../db/sql";
import { enqueueJob } from "../jobs/outbox";
import { defineQueue } from "../jobs/queue";
import { blobStore } from "../storage/store";

export const BLOB_CLEANUP_QUEUE = "artifact.file-cleanup";

/** How long an upload may take before its file, still named by no row, counts as an orphan: 24 h. */
export const UPLOAD_GRACE_MS = 24 * 3600 * 1000;

type CleanupJob = { storageKey: string };

/**
 * Records, in `tx`, that the stored file `storageKey` is to be deleted unless an artifact
 * row names it when the job runs (no earlier than `startAfter`, default at once after
 * `tx` commits). `tx` may be prisma() itself for a job that must not wait for a transaction.
 */
export async function queueFileCleanup(tx: Tx, storageKey: string, startAfter?: Date): Promise<void> {
  await enqueueJob(tx, BLOB_CLEANUP_QUEUE, { storageKey } satisfies CleanupJob, startAfter ? { startAfter } : {});
}

/** The job: deletes the file when no artifact row names it. Returns whether it deleted (for tests). */
export async function collectFile({ storageKey }: CleanupJob): Promise<boolean> {
  if ((await prisma().artifact.count({ where: { storageKey } })) > 0) return false;
  await blobStore().delete(storageKey);
  return true;
}

export const fileCleanupQueue = defineQueue<CleanupJob>({
  name: BLOB_CLEANUP_QUEUE,
  handle: async (data) => {
    await collectFile(data);
  },
  retryLimit: 8,
  retryDelay: 60,
  retryBackoff: true,
});
