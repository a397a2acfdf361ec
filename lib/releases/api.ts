// The client side of distribution (API.md "Releases and downloads"), framework-
// neutral like the license API and mounted the same two ways (the fast path in
// lib/server/fast-routes.ts, and Next route handlers under app/api/v1/):
//   POST /api/v1/releases/latest                    signed, rate limited
//   GET  /api/v1/downloads/<token>                  expiring link: bytes, Range
//   GET  /api/v1/updates/electron/<product>/<file>  electron-updater generic feed and its files
//   GET  /api/v1/updates/tauri/<product>/<target>/<arch>/<current_version>
import { ApiError, errorResponse } from "../http/errors";
import { defaultRateLimiter, enforceRateLimits } from "../http/rate-limit";
import { jsonResponse, type ApiRequest, type ApiResponse } from "../http/types";
import type { Decision, LicenseSnapshot, MachineSnapshot } from "../licensing/decision";
import { answerSigned, endpoint } from "../licensing/api/router";
import { refusalStatus, validationBody } from "../licensing/api/responses";
import { findLicense } from "../licensing/license-lookup";
import { keyHash } from "../licensing/service";
import { db } from "../db/client";
import { artifactWithRelease, publishedReleases } from "./catalog";
import { readDownloadToken } from "./download-tokens";
import { serveArtifact } from "./downloads";
import { electronFeedYaml, isUpdateFile, parseFeedFile } from "./electron-feed";
import { downloadLink, downloadToken } from "./links";
import { downloadableReleases, isOffered, latestOffer, releaseAccess, type ReleaseRecord } from "./offers";
import { channel as channelSchema, feedSegment, latestBody, tauriFeedParams } from "./schemas";
import { pickTauriArtifact, tauriArch, tauriPlatform } from "./tauri-feed";

type Found = { license: LicenseSnapshot; machines: MachineSnapshot[] } | null;

const lookUp = (key: string): Promise<Found> => findLicense(db(), keyHash(key));

function refusalOf(decision: Decision, found: Found) {
  return { decision, license: found?.license ?? null, machines: found?.machines ?? [], machine: null };
}

const latest = endpoint({
  schema: latestBody,
  async run(body, req, now) {
    const found = await lookUp(body.key);
    const releases = found ? await publishedReleases(body.product) : [];
    const offer = latestOffer({
      license: found?.license ?? null,
      machines: found?.machines ?? [],
      product: body.product,
      releases,
      channel: body.channel,
      platform: body.platform,
      arch: body.arch,
      currentVersion: body.currentVersion,
      fingerprint: body.fingerprint,
      now,
    });
    if (!offer.decision.valid) {
      const o = refusalOf(offer.decision, found);
      return { status: refusalStatus(o), json: validationBody(o, body.nonce, now) };
    }
    const release = offer.release;
    return {
      status: 200,
      json: {
        release: release && {
          version: release.version,
          channel: release.channel,
          notes: release.notes,
          publishedAt: release.publishedAt!.toISOString(),
          artifacts: release.artifacts.map((a) => {
            const link = downloadLink(req, a.id, found!.license.id, now);
            return {
              filename: a.filename,
              platform: a.platform,
              arch: a.arch,
              size: a.size,
              sha256: a.sha256,
              sha512: a.sha512,
              signature: a.signature,
              url: link.url,
              expiresAt: link.expiresAt.toISOString(),
            };
          }),
        },
        meta: { ts: now.toISOString(), nonce: body.nonce ?? null },
      },
    };
  },
});

// ---------------------------------------------------------------- download links

async function download(req: ApiRequest, token: string): Promise<ApiResponse> {
  const now = new Date();
  const check = readDownloadToken(token, now);
  if (!check.ok) {
    throw check.reason === "expired"
      ? new ApiError("GONE", "This download link has expired; ask for a new one")
      : new ApiError("FORBIDDEN", "This download link is not valid");
  }
  const found = await artifactWithRelease(check.grant.artifactId);
  if (!found) throw new ApiError("NOT_FOUND", "The file no longer exists");
  if (found.release.status === "YANKED") throw new ApiError("GONE", "This release has been withdrawn");
  return serveArtifact(req, found.artifact, found.release.id, now);
}

// ---------------------------------------------------------------- update feeds

/** The license key of a feed request: `Authorization: License <key>`, else `?key=`. */
function feedKey(req: ApiRequest): string {
  const auth = req.headers.authorization;
  const m = auth === undefined ? null : /^License\s+(\S{1,256})\s*$/i.exec(auth);
  const key = m?.[1] ?? req.query.get("key")?.trim();
  if (!key || key.length > 256) {
    throw new ApiError("UNAUTHORIZED", "Send the license key as `Authorization: License <key>` or `?key=<key>`", {
      headers: { "WWW-Authenticate": 'License realm="updates"' },
    });
  }
  return key;
}

function refuse(decision: Decision): never {
  if (decision.code === "NOT_FOUND") throw new ApiError("NOT_FOUND", decision.detail);
  throw new ApiError("FORBIDDEN", `${decision.code}: ${decision.detail}`);
}

async function feedRequest(req: ApiRequest) {
  const key = feedKey(req);
  const headers = await enforceRateLimits(defaultRateLimiter(), { ip: req.ip, key });
  const found = await lookUp(key);
  return { found, headers };
}

/** A file of the electron feed: the newest release the license may have that holds a file of that name. */
async function electronFile(req: ApiRequest, product: string, filename: string, releases: ReleaseRecord[], found: Found, now: Date) {
  if (!found) throw new ApiError("NOT_FOUND", "The license key does not exist.");
  const allowed = downloadableReleases({ license: found.license, machines: found.machines, releases, now });
  for (const release of allowed) {
    const artifact = release.artifacts.find((a) => a.filename === filename);
    if (artifact) return serveArtifact(req, artifact, release.id, now);
  }
  // Nothing allowed: say why when the file exists in a release the license may not have.
  const holder = releases.find((r) => isOffered(r, now) && r.artifacts.some((a) => a.filename === filename));
  if (holder) refuse(releaseAccess({ license: found.license, machines: found.machines, release: holder, now }));
  throw new ApiError("NOT_FOUND", `No file named ${filename}`);
}

async function electron(req: ApiRequest, product: string, name: string): Promise<ApiResponse> {
  const now = new Date();
  // A link from the feed itself (`?token=`) works without the key: feeds list files with one.
  const token = req.query.get("token");
  if (token !== null && req.headers.authorization === undefined && !req.query.has("key")) {
    const check = readDownloadToken(token, now);
    if (check.ok) {
      const found = await artifactWithRelease(check.grant.artifactId);
      if (found && found.artifact.filename === name && found.release.product === product && found.release.status !== "YANKED") {
        return serveArtifact(req, found.artifact, found.release.id, now);
      }
    }
  }
  const { found, headers } = await feedRequest(req);
  const releases = found ? await publishedReleases(product) : [];
  const feed = parseFeedFile(name);
  if (!feed) return withHeaders(await electronFile(req, product, name, releases, found, now), headers);

  const offer = latestOffer({
    license: found?.license ?? null,
    machines: found?.machines ?? [],
    product,
    releases,
    ...feed,
    accept: (a) => isUpdateFile(a.filename),
    now,
  });
  if (!offer.decision.valid) refuse(offer.decision);
  if (!offer.release) throw new ApiError("NOT_FOUND", `No release of ${product} for this platform on the ${feed.channel} channel`);
  const body = electronFeedYaml(offer.release, (filename) => {
    const artifact = offer.release!.artifacts.find((a) => a.filename === filename)!;
    return `${encodeURIComponent(filename)}?token=${downloadToken(artifact.id, found!.license.id, now).token}`;
  });
  return {
    status: 200,
    headers: { ...headers, "Content-Type": "text/yaml; charset=utf-8", "Cache-Control": "private, no-store" },
    body: Buffer.from(body),
  };
}

async function tauri(req: ApiRequest, segments: string[]): Promise<ApiResponse> {
  const now = new Date();
  const [product, target, archName, currentVersion] = segments;
  const params = tauriFeedParams.safeParse({ product, target, arch: archName, current_version: currentVersion });
  if (!params.success) throw new ApiError("BAD_REQUEST", params.error.issues[0]!.message);
  const platform = tauriPlatform(params.data.target)!;
  const channel = channelSchema.safeParse(req.query.get("channel") ?? "stable");
  if (!channel.success) throw new ApiError("BAD_REQUEST", "channel must be stable, beta or alpha");
  const { found, headers } = await feedRequest(req);
  const arch = tauriArch(params.data.arch);
  const releases = found ? await publishedReleases(params.data.product) : [];
  const offer = latestOffer({
    license: found?.license ?? null,
    machines: found?.machines ?? [],
    product: params.data.product,
    releases,
    channel: channel.data,
    platform,
    // An architecture we have no builds for (i686, armv7) still gets the license checked, then 204.
    arch: arch ?? "x64",
    currentVersion: params.data.current_version,
    accept: (a) => arch !== null && a.signature !== null,
    now,
  });
  if (!offer.decision.valid) refuse(offer.decision);
  const artifact = offer.release && pickTauriArtifact(offer.release.artifacts, platform, arch!);
  if (!offer.release || !artifact) return { status: 204, headers: { ...headers, "Cache-Control": "no-store" }, body: Buffer.alloc(0) };
  const json = {
    version: offer.release.version,
    notes: offer.release.notes ?? "",
    pub_date: offer.release.publishedAt!.toISOString(),
    url: downloadLink(req, artifact.id, found!.license.id, now).url,
    signature: artifact.signature,
  };
  return jsonResponse(200, json, headers);
}

function withHeaders(res: ApiResponse, headers: Record<string, string>): ApiResponse {
  return { ...res, headers: { ...headers, ...res.headers } };
}

// ---------------------------------------------------------------- routing


function decodeSegments(rest: string): string[] | null {
  try {
    return rest.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

/** True for the paths this module answers. */
export function isReleasesApiPath(path: string): boolean {
  return path === "/api/v1/releases/latest" || path.startsWith("/api/v1/downloads/") || path.startsWith("/api/v1/updates/");
}

async function route(req: ApiRequest): Promise<ApiResponse> {
  const get = req.method === "GET" || req.method === "HEAD";
  const only = () => new ApiError("METHOD_NOT_ALLOWED", "Use GET", { headers: { Allow: "GET, HEAD" } });
  if (req.path.startsWith("/api/v1/downloads/")) {
    if (!get) throw only();
    const token = decodeSegments(req.path.slice("/api/v1/downloads/".length));
    if (!token || token.length !== 1) throw new ApiError("FORBIDDEN", "This download link is not valid");
    return download(req, token[0]!);
  }
  const parts = decodeSegments(req.path.slice("/api/v1/updates/".length));
  if (!parts || !parts.every((p) => feedSegment.safeParse(p).success)) throw new ApiError("NOT_FOUND", "No such update feed");
  if (parts[0] === "electron" && parts.length === 3) {
    if (!get) throw only();
    return electron(req, parts[1]!, parts[2]!);
  }
  if (parts[0] === "tauri" && parts.length === 5) {
    if (!get) throw only();
    return tauri(req, parts.slice(1));
  }
  throw new ApiError("NOT_FOUND", "No such update feed");
}

/** Answers every path of `isReleasesApiPath`; never throws. */
export async function handleReleasesApi(req: ApiRequest): Promise<ApiResponse> {
  if (req.path === "/api/v1/releases/latest") return answerSigned(req, latest);
  try {
    return await route(req);
  } catch (error) {
    const { status, headers, json } = errorResponse(error);
    return jsonResponse(status, json, headers);
  }
}
