// electron-updater's "generic" provider (electron-builder docs, "Auto Update";
// electron-updater's GenericProvider): the app fetches `<feed>/<channel><suffix>.yml`
// and then the files it lists, resolved relative to the feed URL.
//
// File names, as electron-builder writes them and electron-updater asks for them:
//   latest.yml (Windows), latest-mac.yml, latest-linux.yml, latest-linux-arm64.yml;
//   "beta" and "alpha" instead of "latest" for those channels.
// Content (electron-builder's UpdateInfo): version, files[{url, sha512, size}], path and sha512 (the
// first file, for old clients), releaseDate (ISO 8601), releaseNotes when there are notes. `sha512` is
// the base64 (not hex) of the file's SHA-512.
import { dump } from "js-yaml";
import type { Arch, Channel, Platform } from "./schemas";
import type { ReleaseRecord } from "./offers";

export type ElectronFeedFile = { channel: Channel; platform: Platform; arch: Arch };

const FEED_FILE = /^(latest|beta|alpha)(-mac|-linux|-linux-arm64)?\.yml$/;

/**
 * What a feed file name asks for, or null when it is not one. Windows and macOS list every
 * architecture in one file (electron-updater picks by file name); Linux has one file per architecture.
 */
export function parseFeedFile(name: string): ElectronFeedFile | null {
  const m = FEED_FILE.exec(name);
  if (!m) return null;
  const channel: Channel = m[1] === "latest" ? "stable" : (m[1] as Channel);
  switch (m[2]) {
    case "-mac":
      return { channel, platform: "darwin", arch: "any" };
    case "-linux":
      return { channel, platform: "linux", arch: "x64" };
    case "-linux-arm64":
      return { channel, platform: "linux", arch: "arm64" };
    default:
      return { channel, platform: "windows", arch: "any" };
  }
}

/** Block maps are fetched next to their file by electron-updater; they are not update files themselves. */
export const isUpdateFile = (filename: string) => !filename.endsWith(".blockmap");

/**
 * The YAML of a feed file for `release` (its artifacts already narrowed to the platform). `fileUrl`
 * gives each file's URL relative to the feed (a plain file name, maybe with a query).
 */
export function electronFeedYaml(release: ReleaseRecord, fileUrl: (filename: string) => string): string {
  const files = release.artifacts
    .filter((a) => isUpdateFile(a.filename))
    .map((a) => ({ url: fileUrl(a.filename), sha512: Buffer.from(a.sha512, "hex").toString("base64"), size: a.size }));
  const first = files[0];
  const info: Record<string, unknown> = {
    version: release.version,
    files,
    ...(first ? { path: first.url, sha512: first.sha512 } : {}),
    releaseDate: (release.publishedAt ?? new Date(0)).toISOString(),
  };
  if (release.notes) info.releaseNotes = release.notes;
  // electron-builder dumps with js-yaml too; a wide lineWidth keeps base64 and URLs on one line.
  return dump(info, { lineWidth: 8000, noRefs: true });
}
