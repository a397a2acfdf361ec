// Reading releases and artifacts from the database into the records the pure
// functions of offers.ts work on.
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import type { ArtifactRecord, ReleaseRecord } from "./offers";

export const releaseInclude = {
  product: { select: { slug: true } },
  artifacts: { orderBy: [{ platform: "asc" }, { arch: "asc" }, { filename: "asc" }] },
} satisfies Prisma.ReleaseInclude;

type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof releaseInclude }>;
type ArtifactRow = ReleaseRow["artifacts"][number];

export function toArtifactRecord(row: ArtifactRow): ArtifactRecord {
  return {
    id: row.id,
    filename: row.filename,
    platform: row.platform,
    arch: row.arch,
    size: Number(row.size),
    sha256: row.sha256,
    sha512: row.sha512,
    signature: row.signature,
    storageKey: row.storageKey,
  };
}

export function toReleaseRecord(row: ReleaseRow): ReleaseRecord {
  return {
    id: row.id,
    product: row.product.slug,
    version: row.version,
    channel: row.channel,
    notes: row.notes,
    entitlements: row.entitlements,
    status: row.status,
    publishedAt: row.publishedAt,
    artifacts: row.artifacts.map(toArtifactRecord),
  };
}

/**
 * The product's published releases (yanked and draft ones are never offered), with their artifacts.
 * A product has tens to hundreds of releases; SemVer order is applied in memory (offers.ts).
 */
export async function publishedReleases(productSlug: string): Promise<ReleaseRecord[]> {
  const rows = await prisma().release.findMany({
    where: { product: { slug: productSlug }, status: "PUBLISHED" },
    include: releaseInclude,
  });
  return rows.map(toReleaseRecord);
}

/** One artifact with its release, for a download; null when either is gone. */
export async function artifactWithRelease(artifactId: string): Promise<{ artifact: ArtifactRecord; release: ReleaseRecord } | null> {
  const row = await prisma().artifact.findUnique({ where: { id: artifactId }, include: { release: { include: releaseInclude } } });
  if (!row) return null;
  return { artifact: toArtifactRecord(row), release: toReleaseRecord(row.release) };
}
