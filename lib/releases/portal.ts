// What a signed-in customer may download for one of their licenses: the newest
// release per platform and the history, through the same access rule as the API.
import { prisma } from "../db/client";
import { licenseSnapshot } from "../licensing/snapshot";
import { publishedReleases } from "./catalog";
import { downloadPath } from "./links";
import { downloadableReleases, type ArtifactRecord, type ReleaseRecord } from "./offers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PortalArtifact = Omit<ArtifactRecord, "storageKey">;
export type PortalRelease = { id: string; version: string; channel: string; notes: string | null; publishedAt: Date; artifacts: PortalArtifact[] };
export type LicenseDownloads = {
  /** per platform (darwin, linux, windows, any), the newest release holding a file for it */
  latest: { platform: string; release: PortalRelease }[];
  /** every release the license may download, newest first */
  history: PortalRelease[];
};

const PLATFORM_ORDER = ["windows", "darwin", "linux", "any"];

async function ownedLicense(userId: string, licenseId: string) {
  if (!UUID.test(licenseId)) return null;
  const row = await prisma().license.findFirst({
    where: { id: licenseId, userId },
    include: { plan: { include: { product: { select: { slug: true } } } } },
  });
  return row ? licenseSnapshot(row) : null;
}

function view(r: ReleaseRecord, artifacts = r.artifacts): PortalRelease {
  return { id: r.id, version: r.version, channel: r.channel, notes: r.notes, publishedAt: r.publishedAt!, artifacts: artifacts.map(({ storageKey: _key, ...a }) => a) };
}

/** The license's downloads, or null when it is not this user's. Machines play no part (no fingerprint here). */
export async function downloadsForLicense(userId: string, licenseId: string, now = new Date()): Promise<LicenseDownloads | null> {
  const license = await ownedLicense(userId, licenseId);
  if (!license) return null;
  const allowed = downloadableReleases({ license, machines: [], releases: await publishedReleases(license.product), now });
  const latest = PLATFORM_ORDER.flatMap((platform) => {
    const release = allowed.find((r) => r.artifacts.some((a) => a.platform === platform));
    return release ? [{ platform, release: view(release, release.artifacts.filter((a) => a.platform === platform)) }] : [];
  });
  return { latest, history: allowed.map((r) => view(r)) };
}

/**
 * A fresh download link path for one artifact, when the user's license may have it (null otherwise):
 * the portal's buttons mint links on click, so a page left open never shows an expired one.
 */
export async function portalDownloadPath(userId: string, licenseId: string, artifactId: string, now = new Date()): Promise<string | null> {
  const downloads = await downloadsForLicense(userId, licenseId, now);
  const allowed = downloads?.history.some((r) => r.artifacts.some((a) => a.id === artifactId));
  return allowed ? downloadPath(artifactId, licenseId, now).path : null;
}
