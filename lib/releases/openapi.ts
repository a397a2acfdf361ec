// Distribution in the OpenAPI document (API.md "Releases and downloads"): the admin API's releases and
// artifacts, the signed `POST /api/v1/releases/latest`, download links and the two update feeds. Request
// schemas are the ones lib/admin-api/releases.ts and lib/releases/api.ts parse with (schemas.ts).
import { z } from "zod";
import {
  ADMIN_SECURITY,
  deletedSchema,
  LICENSE_KEY_SECURITY,
  PUBLIC,
  RATE_LIMIT_HEADERS,
  RETRY_AFTER,
  SIGNED_HEADERS,
  adminErrors,
  commonErrors,
  errorExample,
  errorResponse,
  instantOut,
  sameType,
} from "../api-docs/common";
import { defineOperations, type ResponseSpec } from "../api-docs/registry";
import { licenseExample, metaSchema, validationResponseSchema } from "../licensing/api/openapi";
import type { ArtifactView, ReleaseView } from "./releases";
import { artifactQuery, createReleaseSchema, latestBody, listReleasesQuery, tauriFeedParams, updateReleaseSchema } from "./schemas";

// ---------------------------------------------------------------- response schemas

const artifactSchema = z
  .object({
    id: z.guid(),
    filename: z.string(),
    platform: z.string().meta({ description: "`darwin`, `linux`, `windows` or `any`." }),
    arch: z.string().meta({ description: "`x64`, `arm64`, `universal` or `any`." }),
    size: z.int().min(0).meta({ description: "Bytes." }),
    sha256: z.string().meta({ description: "Hex." }),
    sha512: z.string().meta({ description: "Hex." }),
    signature: z.string().nullable().meta({ description: "The updater signature the vendor uploaded with it (e.g. Tauri's `.sig`)." }),
  })
  .meta({ id: "Artifact" });
sameType<z.output<typeof artifactSchema>, ArtifactView>();

const releaseSchema = z
  .object({
    id: z.guid(),
    product: z.string().meta({ description: "Product slug." }),
    version: z.string().meta({ description: "SemVer." }),
    channel: z.string().meta({ description: "`stable`, `beta` or `alpha`." }),
    notes: z.string().nullable(),
    entitlements: z.array(z.string()).meta({ description: "A license needs all of them to download this release." }),
    status: z.enum(["DRAFT", "PUBLISHED", "YANKED"]),
    publishedAt: instantOut().nullable().meta({ description: "A future instant schedules the release; `null` for a draft." }),
    yankedAt: instantOut().nullable(),
    createdAt: instantOut(),
    artifacts: z.array(artifactSchema),
  })
  .meta({ id: "Release" });
sameType<z.output<typeof releaseSchema>, ReleaseView>();

const offeredArtifactSchema = z
  .object({
    filename: z.string(),
    platform: z.string(),
    arch: z.string(),
    size: z.int().min(0),
    sha256: z.string(),
    sha512: z.string(),
    signature: z.string().nullable(),
    url: z.string().meta({ description: "A signed download link (`GET /api/v1/downloads/{token}`), valid for 10 minutes." }),
    expiresAt: instantOut(),
  })
  .meta({ id: "OfferedArtifact" });

const latestResponseSchema = z
  .object({
    release: z
      .object({ version: z.string(), channel: z.string(), notes: z.string().nullable(), publishedAt: instantOut(), artifacts: z.array(offeredArtifactSchema) })
      .nullable()
      .meta({ description: "`null` when nothing newer than `currentVersion` may be downloaded for this platform." }),
    meta: metaSchema,
  })
  .meta({ id: "LatestReleaseResponse" });

const tauriUpdateSchema = z
  .object({
    version: z.string(),
    notes: z.string(),
    pub_date: instantOut().meta({ description: "RFC 3339." }),
    url: z.string().meta({ description: "A signed download link, valid for 10 minutes." }),
    signature: z.string().meta({ description: "The `.sig` content uploaded with the artifact; Tauri checks it with the app's public key." }),
  })
  .meta({ id: "TauriUpdate" });

const bytes = z.string().meta({ format: "binary" });

// ---------------------------------------------------------------- parameters and examples

const RELEASE_ID = "5f0c6a4e-1b7d-4e1e-9a55-0f3c2d7b9e11";
const releaseId = z.guid().meta({ description: "Release id. An id that is not a UUID answers `404`.", examples: [RELEASE_ID] });
const filenameParam = z.string().min(1).max(255).meta({ description: "The file name, percent-encoded; no `/`, `\\` or control characters.", examples: ["ZenPad-1.4.2-arm64.dmg"] });

const artifactExample: ArtifactView = {
  id: "b1a7c2de-3f40-4a5b-8c6d-7e8f9a0b1c2d",
  filename: "ZenPad-1.4.2-arm64.dmg",
  platform: "darwin",
  arch: "arm64",
  size: 48_213_504,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  sha512: "ee26b0dd4af7e749aa1a8ee3c10ae9923f618980772e473f8819a5d4940e0db27ac185f8a0e1d5f84f88bc887fd67b143732c304cc5fa9ad8e6f57f50028a8ff",
  signature: null,
};
const releaseExample: ReleaseView = {
  id: RELEASE_ID,
  product: "zenpad",
  version: "1.4.2",
  channel: "stable",
  notes: "Faster sync.",
  entitlements: [],
  status: "PUBLISHED",
  publishedAt: "2026-03-01T09:00:00.000Z",
  yankedAt: null,
  createdAt: "2026-03-01T08:55:00.000Z",
  artifacts: [artifactExample],
};
const releaseNotFound = errorResponse("No such release.", errorExample("NOT_FOUND", "The release does not exist"));
const admin = { tags: ["Admin"] as [string], security: ADMIN_SECURITY };
const distribution = { tags: ["Releases"] as [string] };

const downloadHeaders: ResponseSpec["headers"] = {
  "Content-Length": { description: "Bytes in this answer.", schema: z.int().min(0) },
  "Content-Disposition": { description: "`attachment` with the file name.", schema: z.string() },
  "Accept-Ranges": { description: "`bytes`: a `Range` request resumes an interrupted download.", schema: z.string() },
  ETag: { description: "The file's SHA-256 in quotes; send it as `If-Range`.", schema: z.string() },
};

/** What every way of fetching an artifact's bytes may answer (download links and the electron feed's files). */
const byteAnswers: Record<string, ResponseSpec> = {
  "200": { description: "The whole file.", contentType: "application/octet-stream", schema: bytes, headers: downloadHeaders },
  "206": {
    description: "The requested `Range` (one range of bytes).",
    contentType: "application/octet-stream",
    schema: bytes,
    headers: { ...downloadHeaders, "Content-Range": { description: "`bytes <first>-<last>/<size>`.", schema: z.string() } },
  },
  "302": {
    description: "The file is in an S3-compatible store: a presigned URL of it, valid for 5 minutes.",
    headers: { Location: { description: "The presigned URL.", schema: z.string() } },
  },
  "416": {
    description: "The `Range` starts past the end of the file.",
    contentType: "text/plain",
    schema: z.string(),
    headers: { "Content-Range": { description: "`bytes */<size>`.", schema: z.string() } },
  },
};

const feedErrors = (extra: Record<string, ResponseSpec>): Record<string, ResponseSpec> => ({
  "401": errorResponse(
    "No license key: send `Authorization: License <key>` or `?key=`.",
    errorExample("UNAUTHORIZED", "Send the license key as `Authorization: License <key>` or `?key=<key>`"),
    { "WWW-Authenticate": { description: '`License realm="updates"`.', schema: z.string() } },
  ),
  "403": errorResponse(
    "The license may not have this release: the message starts with the validation code (`EXPIRED: …`, `ENTITLEMENTS_MISSING: …`).",
    errorExample("FORBIDDEN", "EXPIRED: The license has expired."),
    RATE_LIMIT_HEADERS,
  ),
  "429": errorResponse("Rate limited per client IP and per key.", errorExample("RATE_LIMITED", "Too many requests"), { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER }),
  "503": errorResponse("The database is unreachable.", errorExample("UNAVAILABLE", "The database is unavailable; retry shortly"), RETRY_AFTER),
  ...extra,
});

const feedKeyQuery = z.object({
  key: z.string().min(1).max(256).optional().meta({ description: "The license key, when the updater cannot send `Authorization: License <key>`." }),
});

export const releaseOperations = defineOperations([
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/releases",
    operationId: "createRelease",
    summary: "Create a release",
    description:
      "A release of a product: a SemVer `version`, unique per product (versions of equal precedence, `1.0.0+a` and `1.0.0+b`, count as the same), " +
      "on a channel, with the entitlements a license needs to download it. `PUBLISHED` by default, at `publishedAt` (default now; a future instant schedules it); " +
      "`DRAFT` to upload artifacts before publishing with `PATCH`. Recorded in the audit log.",
    request: {
      body: createReleaseSchema.meta({ id: "CreateReleaseRequest" }),
      bodyExamples: { release: { summary: "A stable release", value: { product: "zenpad", version: "1.4.2", notes: "Faster sync." } } },
    },
    responses: {
      "201": { description: "Created.", schema: releaseSchema, examples: { release: { summary: "The release", value: { ...releaseExample, artifacts: [] } } } },
      "409": errorResponse("The product has this version already.", errorExample("CONFLICT", "The product already has version 1.4.2")),
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/releases",
    operationId: "listReleases",
    summary: "List releases",
    description: "Releases matching every filter given, newest version first, with their artifacts.",
    request: { query: listReleasesQuery },
    responses: {
      "200": {
        description: "The releases.",
        schema: z.object({ data: z.array(releaseSchema) }).meta({ id: "ReleaseList" }),
        examples: { list: { summary: "One release", value: { data: [releaseExample] } } },
      },
      ...adminErrors("query"),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/releases/{id}",
    operationId: "getRelease",
    summary: "Get a release",
    description: "One release with its artifacts.",
    request: { params: z.object({ id: releaseId }) },
    responses: {
      "200": { description: "The release.", schema: releaseSchema, examples: { release: { summary: "The release", value: releaseExample } } },
      "404": releaseNotFound,
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "patch",
    path: "/api/v1/admin/releases/{id}",
    operationId: "updateRelease",
    summary: "Update a release",
    description:
      "Changes its channel, notes, entitlements or `publishedAt`, or its status: publishing a draft stamps `publishedAt`; `YANKED` withdraws it from " +
      "every offer, feed and link; `PUBLISHED` again brings a yanked release back. Only the fields given change. Recorded in the audit log.",
    request: {
      params: z.object({ id: releaseId }),
      body: updateReleaseSchema.meta({ id: "UpdateReleaseRequest" }),
      bodyExamples: { publish: { summary: "Publish a draft", value: { status: "PUBLISHED" } } },
    },
    responses: {
      "200": { description: "The release after the change.", schema: releaseSchema, examples: { release: { summary: "Published", value: releaseExample } } },
      "404": releaseNotFound,
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "delete",
    path: "/api/v1/admin/releases/{id}",
    operationId: "yankRelease",
    summary: "Yank a release",
    description: "Marks it `YANKED`: no longer offered, in feeds or by its download links, but kept for the record. Recorded in the audit log.",
    request: { params: z.object({ id: releaseId }) },
    responses: {
      "200": {
        description: "The yanked release.",
        schema: releaseSchema,
        examples: { yanked: { summary: "Yanked", value: { ...releaseExample, status: "YANKED", yankedAt: "2026-03-04T12:00:00.000Z" } } },
      },
      "404": releaseNotFound,
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "put",
    path: "/api/v1/admin/releases/{id}/artifacts/{filename}",
    operationId: "uploadArtifact",
    summary: "Upload an artifact",
    description:
      "The raw bytes of one file as the body, streamed to storage and hashed (SHA-256, SHA-512) on the way, up to `ARTIFACT_MAX_BYTES` (default 2 GiB). " +
      "A file of the same name replaces the old one (`200`). Recorded in the audit log.",
    request: {
      params: z.object({ id: releaseId, filename: filenameParam }),
      query: artifactQuery,
      body: bytes,
      bodyContentType: "application/octet-stream",
    },
    responses: {
      "201": { description: "Stored.", schema: artifactSchema, examples: { artifact: { summary: "The file", value: artifactExample } } },
      "200": { description: "Stored, replacing the file of the same name.", schema: artifactSchema, examples: { artifact: { summary: "The file", value: artifactExample } } },
      "404": releaseNotFound,
      ...adminErrors("body"),
      "413": errorResponse("The body is over `ARTIFACT_MAX_BYTES`.", errorExample("PAYLOAD_TOO_LARGE", "An artifact may be at most 2147483648 bytes (ARTIFACT_MAX_BYTES)")),
    },
  },
  {
    ...admin,
    method: "delete",
    path: "/api/v1/admin/releases/{id}/artifacts/{filename}",
    operationId: "deleteArtifact",
    summary: "Delete an artifact",
    description: "Removes one file of a release, and its bytes. Recorded in the audit log.",
    request: { params: z.object({ id: releaseId, filename: filenameParam }) },
    responses: {
      "200": { description: "Deleted.", schema: deletedSchema, examples: { deleted: { summary: "Deleted", value: { deleted: true } } } },
      "400": errorResponse("The file name is not a plain file name.", errorExample("BAD_REQUEST", "Invalid file name: Must be a plain file name (no /, \\ or control characters)")),
      "404": errorResponse("No such release, or no file of that name in it.", errorExample("NOT_FOUND", "The release has no file named ZenPad.dmg")),
      ...adminErrors("none"),
    },
  },
  {
    ...distribution,
    security: PUBLIC,
    method: "post",
    path: "/api/v1/releases/latest",
    operationId: "latestRelease",
    summary: "Find the latest release for this license",
    description:
      "The newest published release of `channel` (or a more stable one) that the license may download, newer than `currentVersion`, with its files for " +
      "`platform` and `arch` and a download link for each. Who may download: an `ACTIVE`, unexpired license holding the release's entitlements, or an " +
      "expired license on a `MAINTAIN` plan for releases published before it expired. Signed like the license endpoints.",
    request: {
      body: latestBody.meta({ id: "LatestReleaseRequest" }),
      bodyExamples: {
        latest: { summary: "An app asking for updates", value: { key: "ZP-A3K2P-X9M4Q-R7T2W-B5N8Z", product: "zenpad", platform: "darwin", arch: "arm64", currentVersion: "1.4.1" } },
      },
    },
    responses: {
      "200": {
        description: "The release to offer, or `null`.",
        schema: latestResponseSchema,
        headers: SIGNED_HEADERS,
        examples: {
          update: {
            summary: "An update",
            value: {
              release: {
                version: "1.4.2",
                channel: "stable",
                notes: "Faster sync.",
                publishedAt: "2026-03-01T09:00:00.000Z",
                artifacts: [
                  {
                    filename: artifactExample.filename,
                    platform: "darwin",
                    arch: "arm64",
                    size: artifactExample.size,
                    sha256: artifactExample.sha256,
                    sha512: artifactExample.sha512,
                    signature: null,
                    url: "https://licenses.example.com/api/v1/downloads/eyJhIjoiYjFhN2MyZGUifQ.c2lnbmF0dXJl",
                    expiresAt: "2026-03-03T10:25:00.000Z",
                  },
                ],
              },
              meta: { ts: "2026-03-03T10:15:00.000Z", nonce: null },
            },
          },
          current: { summary: "Up to date", value: { release: null, meta: { ts: "2026-03-03T10:15:00.000Z", nonce: null } } },
        },
      },
      "403": {
        description: "The license may not download: the validation body with its code.",
        schema: validationResponseSchema,
        headers: SIGNED_HEADERS,
        examples: {
          expired: {
            summary: "EXPIRED",
            value: { valid: false, code: "EXPIRED", detail: "The license has expired.", license: { ...licenseExample, status: "EXPIRED" }, machine: null, meta: { ts: "2026-03-03T10:15:00.000Z", nonce: null } },
          },
        },
      },
      "404": {
        description: "`NOT_FOUND`: no such key.",
        schema: validationResponseSchema,
        headers: SIGNED_HEADERS,
        examples: {
          not_found: {
            summary: "NOT_FOUND",
            value: { valid: false, code: "NOT_FOUND", detail: "The license key does not exist.", license: null, machine: null, meta: { ts: "2026-03-03T10:15:00.000Z", nonce: null } },
          },
        },
      },
      ...commonErrors({ signed: true, input: "body" }),
    },
  },
  {
    ...distribution,
    security: PUBLIC,
    method: "get",
    path: "/api/v1/downloads/{token}",
    operationId: "download",
    summary: "Download a file",
    description:
      "The bytes of a file behind a signed link from `POST /api/v1/releases/latest`, the customer portal or a feed; `HEAD` answers the headers alone. " +
      "`Range: bytes=<first>-[<last>]` resumes an interrupted download (`206`). A download counts for the release's analytics when it starts at byte 0.",
    request: {
      params: z.object({ token: z.string().min(1).max(1024).meta({ description: "The signed token of the link.", examples: ["eyJhIjoiYjFhN2MyZGUifQ.c2lnbmF0dXJl"] }) }),
      headers: z.object({ Range: z.string().max(200).optional().meta({ description: "One range of bytes, e.g. `bytes=1048576-`." }) }),
    },
    responses: {
      ...byteAnswers,
      "403": errorResponse("A forged or malformed link.", errorExample("FORBIDDEN", "This download link is not valid")),
      "404": errorResponse("The file no longer exists.", errorExample("NOT_FOUND", "The file no longer exists")),
      "410": errorResponse("The link has expired, or the release was yanked.", errorExample("GONE", "This download link has expired; ask for a new one")),
      "503": errorResponse("The database is unreachable.", errorExample("UNAVAILABLE", "The database is unavailable; retry shortly"), RETRY_AFTER),
    },
  },
  {
    ...distribution,
    security: LICENSE_KEY_SECURITY,
    method: "get",
    path: "/api/v1/updates/electron/{product}/{file}",
    operationId: "electronUpdateFeed",
    summary: "electron-updater feed (generic provider)",
    description:
      "Point electron-builder's `generic` provider at `/api/v1/updates/electron/{product}/` (with the license key in `requestHeaders` as " +
      "`Authorization: License <key>`, or in the URL as `?key=`). `latest.yml`, `latest-mac.yml`, `latest-linux.yml`, `latest-linux-arm64.yml` and their " +
      "`beta`/`alpha` twins are the newest release the license may have, with `sha512` in base64 as electron-builder writes it; every other name is a file of " +
      "that release (its link in the feed carries a `?token=` and needs no key).",
    request: {
      params: z.object({
        product: z.string().min(1).max(255).meta({ description: "Product slug.", examples: ["zenpad"] }),
        file: z.string().min(1).max(255).meta({ description: "A feed file (`latest-mac.yml`) or a file named in one.", examples: ["latest-mac.yml"] }),
      }),
      query: feedKeyQuery.extend({ token: z.string().max(1024).optional().meta({ description: "A file link's own token, as the feed writes it." }) }),
    },
    responses: {
      ...byteAnswers,
      "200": {
        description: "The feed (YAML) or the file's bytes.",
        contentType: "text/yaml",
        schema: z.string(),
        alternatives: { "application/octet-stream": { schema: bytes } },
        examples: {
          feed: {
            summary: "latest-mac.yml",
            value:
              "version: 1.4.2\nfiles:\n  - url: ZenPad-1.4.2-arm64.zip?token=eyJ...\n    sha512: 7iaw3Ur350mqGo7jwQrpkj9hiYB3Lkc/iBml1JQODbJ6wYX4oOHV+E+IvIh/1nsUNzLDBMxfqa2Ob1f1ACio/w==\n    size: 48213504\n" +
              "path: ZenPad-1.4.2-arm64.zip?token=eyJ...\nsha512: 7iaw3Ur350mqGo7jwQrpkj9hiYB3Lkc/iBml1JQODbJ6wYX4oOHV+E+IvIh/1nsUNzLDBMxfqa2Ob1f1ACio/w==\nreleaseDate: '2026-03-01T09:00:00.000Z'\n",
          },
        },
      },
      ...feedErrors({
        "404": errorResponse(
          "No such key, no release for this platform and channel, or no file of that name.",
          errorExample("NOT_FOUND", "No release of zenpad for this platform on the stable channel"),
        ),
      }),
    },
  },
  {
    ...distribution,
    security: LICENSE_KEY_SECURITY,
    method: "get",
    path: "/api/v1/updates/tauri/{product}/{target}/{arch}/{current_version}",
    operationId: "tauriUpdateFeed",
    summary: "Tauri v2 updater endpoint",
    description:
      "Use `https://<portal>/api/v1/updates/tauri/{product}/{{target}}/{{arch}}/{{current_version}}` as an endpoint of Tauri's updater plugin, " +
      "with `headers: {Authorization: 'License <key>'}` (or `?key=`). `204` when the app is current; else the newest release the license may have that " +
      "holds a signed artifact for the platform and architecture.",
    request: {
      params: tauriFeedParams,
      query: feedKeyQuery.extend({
        channel: z.enum(["stable", "beta", "alpha"]).optional().meta({ description: "Default `stable`; a more stable release is offered too." }),
      }),
    },
    responses: {
      "200": {
        description: "An update.",
        schema: tauriUpdateSchema,
        headers: RATE_LIMIT_HEADERS,
        examples: {
          update: {
            summary: "An update",
            value: {
              version: "1.4.2",
              notes: "Faster sync.",
              pub_date: "2026-03-01T09:00:00.000Z",
              url: "https://licenses.example.com/api/v1/downloads/eyJhIjoiYjFhN2MyZGUifQ.c2lnbmF0dXJl",
              signature: "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZSBmcm9tIHRhdXJpIHNlY3JldCBrZXkK",
            },
          },
        },
      },
      "204": { description: "The app is current (or there is no signed build for this platform).", headers: RATE_LIMIT_HEADERS },
      "400": errorResponse("An unknown `target`, a `current_version` that is not SemVer, or an unknown `channel`.", errorExample("BAD_REQUEST", 'Unknown target "solaris": use darwin, linux or windows')),
      ...feedErrors({ "404": errorResponse("No such key.", errorExample("NOT_FOUND", "The license key does not exist.")) }),
    },
  },
]);
