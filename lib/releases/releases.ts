// Managing releases (admin API and console): create, list, change, publish,
// yank. Each change and its audit entry commit together.
import type { z } from "zod";
import { writeAudit, type Actor } from "../audit/log";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../http/errors";
import { isUniqueViolation } from "../admin-api/db-errors";
import { releaseInclude, toReleaseRecord } from "./catalog";
import type { ReleaseRecord } from "./offers";
import type { createReleaseSchema, listReleasesQuery, updateReleaseSchema } from "./schemas";
import { compareVersions } from "./semver";

/** The admin API's release object (API.md "Releases and downloads"); sizes in bytes, digests hex. */
export type ReleaseView = {
  id: string;
  product: string;
  version: string;
  channel: string;
  notes: string | null;
  entitlements: string[];
  status: "DRAFT" | "PUBLISHED" | "YANKED";
  publishedAt: string | null;
  yankedAt: string | null;
  createdAt: string;
  artifacts: ArtifactView[];
};

export type ArtifactView = {
  id: string;
  filename: string;
  platform: string;
  arch: string;
  size: number;
  sha256: string;
  sha512: string;
  signature: string | null;
};

type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof releaseInclude }>;

export function releaseView(row: ReleaseRow): ReleaseView {
  const r: ReleaseRecord = toReleaseRecord(row);
  return {
    id: r.id,
    product: r.product,
    version: r.version,
    channel: r.channel,
    notes: r.notes,
    entitlements: r.entitlements,
    status: r.status,
    publishedAt: r.publishedAt?.toISOString() ?? null,
    yankedAt: row.yankedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    artifacts: r.artifacts.map(({ storageKey: _storageKey, ...a }) => a),
  };
}

export type ChangeContext = { actor: Actor; ip: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const releaseNotFound = () => new ApiError("NOT_FOUND", "The release does not exist");

/** The release row, or a 404 for an unknown or malformed id. */
export async function findRelease(id: string, tx: Prisma.TransactionClient = prisma()): Promise<ReleaseRow> {
  const row = UUID.test(id) ? await tx.release.findUnique({ where: { id }, include: releaseInclude }) : null;
  if (!row) throw releaseNotFound();
  return row;
}

/**
 * Creates a release (published at `publishedAt`, default now, unless it is a DRAFT). Throws 400 for an
 * unknown product, 409 when the product has this version already — or one of equal SemVer precedence
 * (`1.0.0+build.1` and `1.0.0+build.2`), which no updater could tell apart.
 */
export async function createRelease(input: z.infer<typeof createReleaseSchema>, ctx: ChangeContext, now = new Date()): Promise<ReleaseView> {
  try {
    return await prisma().$transaction(async (tx) => {
      const product = await tx.product.findUnique({ where: { slug: input.product }, select: { id: true } });
      if (!product) throw new ApiError("BAD_REQUEST", `Unknown product "${input.product}"`);
      // Serialises creations per product, so two equal-precedence versions cannot both pass the check below.
      await tx.$executeRaw`SELECT 1 FROM products WHERE id = ${product.id}::uuid FOR UPDATE`;
      const versions = await tx.release.findMany({ where: { productId: product.id }, select: { version: true } });
      const clash = versions.find((v) => compareVersions(v.version, input.version) === 0);
      if (clash) throw new ApiError("CONFLICT", `The product already has version ${clash.version}`);
      const draft = input.status === "DRAFT";
      const row = await tx.release.create({
        data: {
          productId: product.id,
          version: input.version,
          channel: input.channel,
          notes: input.notes ?? null,
          entitlements: input.entitlements,
          status: input.status,
          publishedAt: input.publishedAt ?? (draft ? null : now),
        },
        include: releaseInclude,
      });
      const view = releaseView(row);
      await writeAudit(tx, {
        actor: ctx.actor,
        action: "release.create",
        target: { type: "release", id: row.id },
        ip: ctx.ip,
        data: { product: view.product, version: view.version, channel: view.channel, status: view.status, publishedAt: view.publishedAt },
      });
      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError("CONFLICT", `The product already has version ${input.version}`);
    throw error;
  }
}

/** Releases newest version first (SemVer precedence), filtered by product, channel and status. */
export async function listReleases(filter: z.infer<typeof listReleasesQuery>): Promise<ReleaseView[]> {
  const rows = await prisma().release.findMany({
    where: {
      ...(filter.product ? { product: { slug: filter.product } } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    },
    include: releaseInclude,
    take: 1000,
  });
  return rows
    .sort((a, b) => (a.product.slug === b.product.slug ? compareVersions(b.version, a.version) : a.product.slug < b.product.slug ? -1 : 1))
    .map(releaseView);
}

/**
 * Changes a release. Publishing a draft stamps `publishedAt` (now, unless given); yanking stamps
 * `yankedAt` and withdraws it from every offer, feed and link (kept for the record); publishing a yanked
 * release again clears that.
 */
export async function updateRelease(
  id: string,
  input: z.infer<typeof updateReleaseSchema>,
  ctx: ChangeContext,
  now = new Date(),
): Promise<ReleaseView> {
  return prisma().$transaction(async (tx) => {
    const before = await findRelease(id, tx);
    await tx.$executeRaw`SELECT 1 FROM releases WHERE id = ${before.id}::uuid FOR UPDATE`;
    const data: Prisma.ReleaseUpdateInput = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const set = <K extends keyof typeof before & keyof Prisma.ReleaseUpdateInput>(field: K, to: (typeof before)[K]) => {
      const from = before[field];
      if (JSON.stringify(from) === JSON.stringify(to)) return;
      (data as Record<string, unknown>)[field] = to;
      changes[field] = { from: from instanceof Date ? from.toISOString() : from, to: to instanceof Date ? to.toISOString() : to };
    };
    if (input.channel !== undefined) set("channel", input.channel);
    if (input.notes !== undefined) set("notes", input.notes);
    if (input.entitlements !== undefined) set("entitlements", input.entitlements);
    if (input.publishedAt !== undefined) set("publishedAt", input.publishedAt);
    if (input.status !== undefined && input.status !== before.status) {
      set("status", input.status);
      if (input.status === "PUBLISHED") {
        if (input.publishedAt === undefined && before.publishedAt === null) set("publishedAt", now);
        set("yankedAt", null);
      } else if (input.status === "YANKED") {
        set("yankedAt", now);
      } else if (input.publishedAt === undefined) {
        set("publishedAt", null); // back to draft: published when published again
      }
    }
    if (Object.keys(changes).length === 0) return releaseView(before);
    const row = await tx.release.update({ where: { id: before.id }, data, include: releaseInclude });
    const action = changes.status?.to === "YANKED" ? "release.yank" : changes.status?.to === "PUBLISHED" ? "release.publish" : "release.update";
    await writeAudit(tx, {
      actor: ctx.actor,
      action,
      target: { type: "release", id: row.id },
      ip: ctx.ip,
      data: { product: row.product.slug, version: row.version, changes } as Prisma.InputJsonValue,
    });
    return releaseView(row);
  });
}

/** DELETE: yanks (API.md) — no longer offered, kept with its artifacts and counts for the record. */
export function yankRelease(id: string, ctx: ChangeContext, now = new Date()): Promise<ReleaseView> {
  return updateRelease(id, { status: "YANKED" }, ctx, now);
}
