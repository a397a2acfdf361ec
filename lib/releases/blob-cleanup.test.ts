// Stored artifact files are removed by a job recorded with the change, never inline: a
// replaced or deleted file goes once the change commits (the app's job workers, started
// here), a rolled-back replacement keeps the file the row still names, and a file whose
// upload never committed (the process died) is removed by the job every upload records first.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataDir } from "../config/secrets";
import { db, prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { blobStore } from "../storage/store";
import { BLOB_CLEANUP_QUEUE, collectFile, UPLOAD_GRACE_MS } from "./blob-cleanup";
import { admin, licenseWith, publish, startFastPath, type FastPathServer } from "./test-kit";

process.env.RATE_LIMIT_PER_MINUTE = "0";
delete process.env.S3_BUCKET;
setupTestDatabase();
const jobs = setupTestJobs();

let server: FastPathServer;
beforeAll(async () => {
  server = await startFastPath();
});
afterAll(() => server.close());

const stored = async (key: string) => {
  const stream = await blobStore().get(key);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};
const keyOf = async (releaseId: string, filename: string) =>
  (await prisma().artifact.findUniqueOrThrow({ where: { releaseId_filename: { releaseId, filename } } })).storageKey;
/** The cleanup jobs waiting in the outbox (not yet moved to a worker), by file. */
const queued = async () =>
  (await db().query(`SELECT data->>'storageKey' AS key, start_after FROM job_outbox WHERE name = $1 ORDER BY id`, [BLOB_CLEANUP_QUEUE])).rows as {
    key: string;
    start_after: Date | null;
  }[];
const put = (releaseId: string, name: string, body: string) =>
  admin(server.url, `/api/v1/admin/releases/${releaseId}/artifacts/${name}?platform=any&arch=any`, {
    method: "PUT",
    body,
    headers: { "Content-Type": "application/octet-stream" },
  });
async function until(check: () => Promise<boolean>, ms = 45_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("artifact files are removed by a job after the commit", { timeout: 90_000 }, () => {
  it("keeps a replaced file until the replacement commits, then the workers remove it; the new file stays", async () => {
    const { product } = await licenseWith({});
    const sent = Date.now();
    const release = await publish(server.url, { product, version: "1.0.0" }, [{ name: "app.zip", platform: "any", arch: "any", bytes: Buffer.from("old bytes") }]);
    const answered = Date.now();
    const oldKey = await keyOf(release.id, "app.zip");
    // The upload recorded its orphan guard before storing: a day after the upload, for its own file
    // (bracketed by the clock around the request, which holds however slow the machine is).
    const guard = (await queued()).find((j) => j.key === oldKey)!;
    expect(guard.start_after!.getTime()).toBeGreaterThanOrEqual(sent + UPLOAD_GRACE_MS);
    expect(guard.start_after!.getTime()).toBeLessThanOrEqual(answered + UPLOAD_GRACE_MS);

    expect((await put(release.id, "app.zip", "new bytes")).status).toBe(200);
    const newKey = await keyOf(release.id, "app.zip");
    expect(newKey).not.toBe(oldKey);
    // Not deleted inline: the job is queued for now and nothing has run it yet.
    expect(await stored(oldKey)).toBe("old bytes");
    expect((await queued()).filter((j) => j.key === oldKey && j.start_after === null)).toHaveLength(1);

    await jobs.start();
    await until(async () => (await stored(oldKey)) === null);
    expect(await stored(newKey)).toBe("new bytes");
    // The new file's guard job waits its day; run now, it finds the row and keeps the file.
    expect(await collectFile({ storageKey: newKey })).toBe(false);
    expect(await stored(newKey)).toBe("new bytes");
  });

  it("deletes a removed artifact's file through the queue, not in the request", async () => {
    const { product } = await licenseWith({});
    const release = await publish(server.url, { product, version: "2.0.0" }, [{ name: "gone.zip", platform: "any", arch: "any", bytes: Buffer.from("bytes to go") }]);
    const key = await keyOf(release.id, "gone.zip");
    const res = await admin(server.url, `/api/v1/admin/releases/${release.id}/artifacts/gone.zip`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await prisma().artifact.count({ where: { storageKey: key } })).toBe(0);
    await until(async () => (await stored(key)) === null);
  });

  it("keeps the file the row still names when the replacement rolls back", async () => {
    const { product } = await licenseWith({});
    const release = await publish(server.url, { product, version: "3.0.0" }, [{ name: "keep.zip", platform: "any", arch: "any", bytes: Buffer.from("still served") }]);
    const oldKey = await keyOf(release.id, "keep.zip");
    const files = () => readdir(path.join(dataDir(), "blobs", "artifacts", release.id)).catch(() => [] as string[]);
    expect(await files()).toEqual([path.basename(oldKey)]);
    // The replacement's transaction fails at its last statement (the audit entry), after the row was updated.
    await db().query(`
      CREATE FUNCTION refuse_replace() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'artifact.replace' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_replace BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION refuse_replace();`);
    try {
      const res = await put(release.id, "keep.zip", "never committed");
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      await db().query(`DROP TRIGGER refuse_replace ON audit_logs; DROP FUNCTION refuse_replace();`);
    }
    expect(await keyOf(release.id, "keep.zip")).toBe(oldKey);
    // The bytes stored for the failed replacement go (a job queued when the transaction failed);
    // the file the row still names stays, also after the workers ran everything queued.
    await until(async () => (await files()).length === 1);
    expect(await files()).toEqual([path.basename(oldKey)]);
    expect((await queued()).filter((j) => j.key === oldKey && j.start_after === null)).toEqual([]);
    expect(await stored(oldKey)).toBe("still served");
  });

  it("removes a file no row names (an upload that died before its commit), and only such a file", async () => {
    const orphan = "artifacts/orphan-test/abc";
    await blobStore().put(orphan, Readable.from([Buffer.from("half an upload")]));
    expect(await collectFile({ storageKey: orphan })).toBe(true);
    expect(await stored(orphan)).toBeNull();
    // Running twice (a retried job) is harmless.
    expect(await collectFile({ storageKey: orphan })).toBe(true);
  });
});
