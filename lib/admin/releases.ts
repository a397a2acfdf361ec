// The console's releases: what /admin/releases shows (releases with their files
// and download counts) and its changes, which go through lib/releases with the
// signed-in admin as the actor, like the admin API's.
import { z } from "zod";
import { prisma } from "../db/client";
import { createRelease, listReleases, updateRelease, type ReleaseView } from "../releases/releases";
import { version } from "../releases/schemas";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";
import { entitlementList, id, optional, trimmed } from "./form-fields";
import { slug } from "../admin-api/schemas";

export const createReleaseInput = z.object({
  product: slug,
  version,
  channel: z.enum(["stable", "beta", "alpha"]).default("stable"),
  notes: optional(trimmed(100_000)),
  entitlements: entitlementList,
  draft: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
});

export const releaseStatusInput = z.object({ releaseId: id, status: z.enum(["PUBLISHED", "YANKED", "DRAFT"]) });

export async function createReleaseByHand(admin: ConsoleAdmin, input: z.output<typeof createReleaseInput>, ip: string | null): Promise<ActionResult> {
  const release = await createRelease(
    { ...input, notes: input.notes ?? null, status: input.draft ? "DRAFT" : "PUBLISHED" },
    { actor: adminActor(admin), ip },
  );
  return { ok: true, message: `Release ${release.product} ${release.version} created${input.draft ? " as a draft" : ""}.` };
}

export async function setReleaseStatus(admin: ConsoleAdmin, input: z.output<typeof releaseStatusInput>, ip: string | null): Promise<ActionResult> {
  const release = await updateRelease(input.releaseId, { status: input.status }, { actor: adminActor(admin), ip });
  const verb = { PUBLISHED: "published", YANKED: "yanked", DRAFT: "back to draft" }[input.status];
  return { ok: true, message: `Release ${release.product} ${release.version} ${verb}.` };
}

export type ConsoleRelease = ReleaseView & { downloads: { total: number; last30Days: number }; artifactDownloads: Record<string, number> };

/** Every release (newest version first per product) with its downloads: all time and the last 30 days (UTC). */
export async function releasesWithDownloads(now = new Date()): Promise<{ releases: ConsoleRelease[]; products: { slug: string; name: string }[] }> {
  const [releases, counts, recent, products] = await Promise.all([
    listReleases({}),
    prisma().releaseDownload.groupBy({ by: ["artifactId", "releaseId"], _sum: { downloads: true } }),
    prisma().releaseDownload.groupBy({
      by: ["releaseId"],
      where: { day: { gte: new Date(now.getTime() - 30 * 86_400_000) } },
      _sum: { downloads: true },
    }),
    prisma().product.findMany({ where: { archivedAt: null }, select: { slug: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    products,
    releases: releases.map((r) => {
      const mine = counts.filter((c) => c.releaseId === r.id);
      return {
        ...r,
        downloads: {
          total: mine.reduce((sum, c) => sum + (c._sum.downloads ?? 0), 0),
          last30Days: recent.find((c) => c.releaseId === r.id)?._sum.downloads ?? 0,
        },
        artifactDownloads: Object.fromEntries(mine.map((c) => [c.artifactId, c._sum.downloads ?? 0])),
      };
    }),
  };
}
