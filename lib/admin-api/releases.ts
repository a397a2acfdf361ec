// /api/v1/admin/releases: releases and their artifacts (API.md "Releases and
// downloads"). The rules live in lib/releases; this file maps HTTP onto them.
import { Readable } from "node:stream";
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import { deleteArtifact, uploadArtifact } from "../releases/artifacts";
import { createRelease, findRelease, listReleases, releaseView, updateRelease, yankRelease } from "../releases/releases";
import { artifactQuery, createReleaseSchema, filename as filenameSchema, listReleasesQuery, updateReleaseSchema } from "../releases/schemas";
import type { AdminContext } from "./context";
import { parseQuery } from "./schemas";

const changeContext = ({ req, actor }: AdminContext) => ({ actor, ip: req.ip || null });

export async function postRelease(ctx: AdminContext): Promise<ApiResponse> {
  const input = parseJsonBody(ctx.req.body, createReleaseSchema);
  return jsonResponse(201, await createRelease(input, changeContext(ctx)));
}

export async function getReleases(ctx: AdminContext): Promise<ApiResponse> {
  const filter = parseQuery(ctx.req.query, listReleasesQuery);
  return jsonResponse(200, { data: await listReleases(filter) });
}

export async function getRelease(_ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  return jsonResponse(200, releaseView(await findRelease(id!)));
}

export async function patchRelease(ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  const input = parseJsonBody(ctx.req.body, updateReleaseSchema);
  return jsonResponse(200, await updateRelease(id!, input, changeContext(ctx)));
}

export async function deleteRelease(ctx: AdminContext, [id]: string[]): Promise<ApiResponse> {
  return jsonResponse(200, await yankRelease(id!, changeContext(ctx)));
}

function artifactName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new ApiError("BAD_REQUEST", "The file name in the path is not valid percent-encoding");
  }
  const parsed = filenameSchema.safeParse(name);
  if (!parsed.success) throw new ApiError("BAD_REQUEST", `Invalid file name: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/**
 * PUT …/artifacts/{filename}?platform=&arch=[&signature=]: the raw bytes as the body, streamed
 * (the fast path hands the unread request over as `bodyStream`). 201 for a new file, 200 when it
 * replaced one of the same name.
 */
export async function putArtifact(ctx: AdminContext, [id, rawName]: string[]): Promise<ApiResponse> {
  const name = artifactName(rawName!);
  const query = parseQuery(ctx.req.query, artifactQuery);
  const length = ctx.req.headers["content-length"];
  const declaredSize = length !== undefined && /^\d{1,16}$/.test(length) ? Number(length) : undefined;
  const { artifact, created } = await uploadArtifact(
    {
      releaseId: id!,
      filename: name,
      platform: query.platform,
      arch: query.arch,
      signature: query.signature,
      body: ctx.req.bodyStream ?? Readable.from([ctx.req.body]),
      declaredSize: ctx.req.bodyStream ? declaredSize : ctx.req.body.length,
    },
    changeContext(ctx),
  );
  return jsonResponse(created ? 201 : 200, artifact);
}

export async function removeArtifact(ctx: AdminContext, [id, rawName]: string[]): Promise<ApiResponse> {
  await deleteArtifact(id!, artifactName(rawName!), changeContext(ctx));
  return jsonResponse(200, { deleted: true });
}

const ARTIFACT_PATH = /^\/api\/v1\/admin\/releases\/[^/]+\/artifacts\/[^/]+\/?$/;

/** Requests whose body the servers must hand over unread (`ApiRequest.bodyStream`): artifact uploads. */
export function isStreamingAdminRequest(method: string | undefined, path: string): boolean {
  return method === "PUT" && ARTIFACT_PATH.test(path);
}
