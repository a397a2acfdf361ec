// Download links as clients see them: absolute URLs on this portal, so an
// updater (Tauri requires absolute URLs) or a browser can fetch them as they are.
import type { ApiRequest } from "../http/types";
import { createDownloadToken, DOWNLOAD_LINK_SECONDS } from "./download-tokens";

/** The portal's public origin: APP_URL when set (what emails and redirects use), else the request's Host. */
export function publicOrigin(req: Pick<ApiRequest, "host">, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.APP_URL?.trim().replace(/\/+$/, "");
  return configured || `http://${req.host || "localhost"}`;
}

/** A fresh download token for an artifact, valid DOWNLOAD_LINK_SECONDS from `now`. */
export function downloadToken(artifactId: string, licenseId: string | null, now: Date): { token: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + DOWNLOAD_LINK_SECONDS * 1000);
  return { token: createDownloadToken({ artifactId, licenseId, expiresAt }), expiresAt };
}

/** The path of a fresh download link for an artifact (see `downloadToken`). */
export function downloadPath(artifactId: string, licenseId: string | null, now: Date): { path: string; expiresAt: Date } {
  const { token, expiresAt } = downloadToken(artifactId, licenseId, now);
  return { path: `/api/v1/downloads/${token}`, expiresAt };
}

/** An absolute download link (see `publicOrigin`). */
export function downloadLink(req: Pick<ApiRequest, "host">, artifactId: string, licenseId: string | null, now: Date): { url: string; expiresAt: Date } {
  const { path, expiresAt } = downloadPath(artifactId, licenseId, now);
  return { url: publicOrigin(req) + path, expiresAt };
}
