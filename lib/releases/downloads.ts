// Serving an artifact's bytes: the download links (/api/v1/downloads/<token>)
// and the update feeds' file URLs both end here. Ranges let interrupted
// downloads resume; S3-backed stores answer with a redirect to a presigned URL
// instead, so the bytes never pass through the portal.
import type { Readable } from "node:stream";
import { prisma } from "../db/client";
import type { ApiRequest, ApiResponse } from "../http/types";
import { blobStore, contentDisposition } from "../storage/store";
import { parseRange } from "./byte-range";
import type { ArtifactRecord } from "./offers";

/** How long a presigned store URL stays valid once we redirected to it (seconds). */
const DIRECT_URL_SECONDS = 300;

const header = (req: ApiRequest, name: string) => req.headers[name] ?? undefined;

/**
 * Answers a GET or HEAD for the artifact's bytes: 200 with the whole file, 206 with one requested
 * range (`Content-Range`), 416 for a range past its end, 302 to a presigned URL on S3. A download is
 * counted for its release when the bytes are requested from the start (a resumed range is not a new
 * download). `If-Range` with another entity tag than the file's SHA-256 gets the whole file.
 */
export async function serveArtifact(req: ApiRequest, artifact: ArtifactRecord, releaseId: string, now = new Date()): Promise<ApiResponse> {
  const store = blobStore();
  const common = {
    "Cache-Control": "private, no-store",
    "Accept-Ranges": "bytes",
    ETag: `"${artifact.sha256}"`,
    "Content-Disposition": contentDisposition(artifact.filename),
    "X-Content-Type-Options": "nosniff",
  };
  const ifRange = header(req, "if-range");
  const ranged = ifRange === undefined || ifRange === common.ETag ? parseRange(header(req, "range"), artifact.size) : { kind: "full" as const };
  const isHead = req.method === "HEAD";
  if (!isHead && (ranged.kind === "full" || (ranged.kind === "partial" && ranged.range.start === 0))) {
    await countDownload(releaseId, artifact.id, now);
  }

  const direct = await store.directUrl(artifact.storageKey, { filename: artifact.filename, expiresInSeconds: DIRECT_URL_SECONDS });
  if (direct) return { status: 302, headers: { "Cache-Control": "no-store", Location: direct }, body: Buffer.alloc(0) };

  if (ranged.kind === "unsatisfiable") {
    return {
      status: 416,
      headers: { ...common, "Content-Range": `bytes */${artifact.size}`, "Content-Type": "text/plain; charset=utf-8" },
      body: Buffer.from("Requested range not satisfiable\n"),
    };
  }
  const range = ranged.kind === "partial" ? ranged.range : undefined;
  const length = range ? range.end - range.start + 1 : artifact.size;
  const headers: Record<string, string> = {
    ...common,
    "Content-Type": "application/octet-stream",
    "Content-Length": String(length),
    ...(range ? { "Content-Range": `bytes ${range.start}-${range.end}/${artifact.size}` } : {}),
  };
  const status = range ? 206 : 200;
  if (isHead) return { status, headers, body: Buffer.alloc(0) };
  const stream: Readable | null = await store.get(artifact.storageKey, range);
  if (!stream) {
    return { status: 410, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" }, body: Buffer.from("The file is no longer stored\n") };
  }
  return { status, headers, body: Buffer.alloc(0), stream };
}

/** +1 download of the artifact today (UTC), for the console's analytics. */
export async function countDownload(releaseId: string, artifactId: string, now: Date): Promise<void> {
  const day = now.toISOString().slice(0, 10); // the UTC date, whatever the database's time zone
  await prisma().$executeRaw`
    INSERT INTO release_downloads (release_id, artifact_id, day, downloads) VALUES (${releaseId}::uuid, ${artifactId}::uuid, ${day}::date, 1)
    ON CONFLICT (artifact_id, day) DO UPDATE SET downloads = release_downloads.downloads + 1`;
}
