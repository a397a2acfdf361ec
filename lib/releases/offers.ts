// Which releases a license is offered: pure functions of (license, machines,
// releases, request, now), so the signed endpoint, the update feeds, the portal
// and the download links all answer alike. Access itself is the validation
// decision (lib/licensing/decision.ts) with the release's entitlements and
// publication date as its scope: one rule for "may this license have it".
import { decide, type Decision, type LicenseSnapshot, type MachineSnapshot } from "../licensing/decision";
import type { Arch, Channel, Platform } from "./schemas";
import { compareVersions } from "./semver";

export type ArtifactRecord = {
  id: string;
  filename: string;
  platform: string;
  arch: string;
  /** bytes */
  size: number;
  /** hex */
  sha256: string;
  /** hex */
  sha512: string;
  signature: string | null;
  storageKey: string;
};

export type ReleaseRecord = {
  id: string;
  product: string;
  version: string;
  channel: Channel;
  notes: string | null;
  entitlements: string[];
  status: "DRAFT" | "PUBLISHED" | "YANKED";
  publishedAt: Date | null;
  artifacts: ArtifactRecord[];
};

const CHANNEL_RANK: Record<Channel, number> = { stable: 0, beta: 1, alpha: 2 };

/** A client on `requested` is offered that channel and every more stable one (alpha ⊃ beta ⊃ stable). */
export function channelIncludes(requested: Channel, release: Channel): boolean {
  return CHANNEL_RANK[release] <= CHANNEL_RANK[requested];
}

/** Published and its publication instant reached (a future `publishedAt` schedules it). */
export function isOffered(release: ReleaseRecord, now: Date): boolean {
  return release.status === "PUBLISHED" && release.publishedAt !== null && release.publishedAt <= now;
}

/**
 * Whether an artifact runs on the requested platform and architecture: `any`
 * on either side matches everything, a `universal` (macOS) build both x64 and arm64.
 */
export function artifactFits(artifact: Pick<ArtifactRecord, "platform" | "arch">, platform: Platform, arch: Arch): boolean {
  const platformOk = platform === "any" || artifact.platform === "any" || artifact.platform === platform;
  const archOk =
    arch === "any" ||
    artifact.arch === "any" ||
    artifact.arch === arch ||
    (artifact.arch === "universal" && (arch === "x64" || arch === "arm64"));
  return platformOk && archOk;
}

/**
 * May this license download this release? The validation decision with the release's product and
 * entitlements, and its publication date for the perpetual fallback (MAINTAIN plans).
 */
export function releaseAccess(input: {
  license: LicenseSnapshot | null;
  machines: MachineSnapshot[];
  release: Pick<ReleaseRecord, "product" | "entitlements" | "publishedAt">;
  fingerprint?: string;
  now: Date;
}): Decision {
  const { license, machines, release, fingerprint, now } = input;
  return decide({
    license,
    machines,
    scope: { product: release.product, entitlements: release.entitlements, fingerprint },
    release: { publishedAt: release.publishedAt },
    now,
  });
}

export type Offer = {
  /** VALID when the license may download something of this product (or nothing is published yet); else the refusal */
  decision: Decision;
  /** the newest release it may have, newer than currentVersion, with the artifacts that fit; null when none */
  release: ReleaseRecord | null;
};

/**
 * The newest release of `channel` (or a more stable one) that the license may download, that has an
 * artifact for the platform and architecture and is newer than `currentVersion` (API.md
 * `POST /api/v1/releases/latest`). `releases` are the product's, in any order.
 *
 * The refusal reported when the license may download none of the offered releases is the license's
 * own (NOT_FOUND, REVOKED, EXPIRED, a machine mismatch, …), else the newest release's (e.g.
 * ENTITLEMENTS_MISSING). A license that may have some release but none newer gets VALID and null.
 */
export function latestOffer(input: {
  license: LicenseSnapshot | null;
  machines: MachineSnapshot[];
  product: string;
  releases: ReleaseRecord[];
  channel: Channel;
  platform: Platform;
  arch: Arch;
  currentVersion?: string;
  fingerprint?: string;
  /** narrows the usable artifacts further (e.g. Tauri needs signed ones) */
  accept?: (artifact: ArtifactRecord) => boolean;
  now: Date;
}): Offer {
  const { license, machines, product, channel, platform, arch, currentVersion, fingerprint, now } = input;
  const accept = input.accept ?? (() => true);
  const base = decide({ license, machines, scope: { product, fingerprint }, now });
  const candidates = input.releases
    .filter((r) => isOffered(r, now) && channelIncludes(channel, r.channel))
    .sort((a, b) => compareVersions(b.version, a.version));
  let firstRefusal: Decision | null = null;
  let mayDownload = false;
  for (const release of candidates) {
    const access = releaseAccess({ license, machines, release, fingerprint, now });
    if (!access.valid) {
      firstRefusal ??= access;
      continue;
    }
    mayDownload = true;
    if (currentVersion !== undefined && compareVersions(release.version, currentVersion) <= 0) break;
    const artifacts = release.artifacts.filter((a) => artifactFits(a, platform, arch) && accept(a));
    if (artifacts.length > 0) return { decision: access, release: { ...release, artifacts } };
  }
  if (mayDownload || candidates.length === 0) {
    return { decision: base.valid || mayDownload ? okDecision(base) : base, release: null };
  }
  return { decision: base.valid ? firstRefusal! : base, release: null };
}

function okDecision(base: Decision): Decision {
  return base.valid ? base : { code: "VALID", valid: true, detail: "The license may download releases published before it expired." };
}

/**
 * Every release the license may download, newest first, with all their artifacts: the portal's
 * history. Drafts, yanked and scheduled releases are not offered.
 */
export function downloadableReleases(input: {
  license: LicenseSnapshot;
  machines: MachineSnapshot[];
  releases: ReleaseRecord[];
  now: Date;
}): ReleaseRecord[] {
  const { license, machines, now } = input;
  return input.releases
    .filter((r) => isOffered(r, now) && releaseAccess({ license, machines, release: r, now }).valid)
    .sort((a, b) => compareVersions(b.version, a.version));
}
