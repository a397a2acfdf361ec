// Request shapes of the releases API (API.md "Releases and downloads"): the admin
// API's releases and artifacts, and the signed client endpoint. Unknown fields are
// ignored, every bound keeps bad input a 400.
import { z } from "zod";
import { instant, text } from "../http/input";
import { fingerprint, key, nonce } from "../licensing/api/schemas";
import { MAX_VERSION_LENGTH, isSemVer, parseSemVer } from "./semver";
import { tauriPlatform } from "./tauri-feed";

export const CHANNELS = ["stable", "beta", "alpha"] as const;
export type Channel = (typeof CHANNELS)[number];
export const PLATFORMS = ["darwin", "linux", "windows", "any"] as const;
export type Platform = (typeof PLATFORMS)[number];
export const ARCHES = ["x64", "arm64", "universal", "any"] as const;
export type Arch = (typeof ARCHES)[number];

const slug = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Must be a product slug (a-z, 0-9 and '-')");

/** A SemVer 2.0.0 version, without a "v" prefix (https://semver.org). */
export const version = z
  .string()
  .trim()
  .max(MAX_VERSION_LENGTH, `Must be at most ${MAX_VERSION_LENGTH} characters`)
  .refine((v) => parseSemVer(v) !== null, "Must be a SemVer version like 1.4.2 or 2.0.0-beta.1");

export const channel = z.enum(CHANNELS);
export const platform = z.enum(PLATFORMS);
export const arch = z.enum(ARCHES);

const entitlement = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9_.:-]+$/, "Only letters, digits and _ . : -");
const entitlements = z
  .array(entitlement)
  .max(100)
  .transform((list) => [...new Set(list)]);
const notes = text({ max: 100_000, trim: false }).nullable();

export const createReleaseSchema = z.object({
  product: slug,
  version,
  channel: channel.default("stable"),
  notes: notes.optional(),
  entitlements: entitlements.default([]),
  /** DRAFT: assemble first (upload artifacts), publish later with PATCH; default PUBLISHED */
  status: z.enum(["DRAFT", "PUBLISHED"]).default("PUBLISHED"),
  /** default: now; a future instant schedules the release */
  publishedAt: instant.optional(),
});

export const updateReleaseSchema = z.object({
  channel: channel.optional(),
  notes: notes.optional(),
  entitlements: entitlements.optional(),
  status: z.enum(["DRAFT", "PUBLISHED", "YANKED"]).optional(),
  publishedAt: instant.optional(),
});

export const listReleasesQuery = z.object({
  product: slug.optional(),
  channel: channel.optional(),
  status: z.enum(["DRAFT", "PUBLISHED", "YANKED"]).optional(),
});

/**
 * A file name as it will be offered for download: the shared text type (kept as sent, no U+0000
 * or unpaired surrogates), and no path or control characters.
 */
export const filename = text({ min: 1, max: 255, trim: false }).refine(
  (name) => !/[\u0000-\u001f\u007f/\\]/.test(name) && name !== "." && name !== "..",
  "Must be a plain file name (no /, \\ or control characters)",
);

export const artifactQuery = z.object({
  platform,
  arch,
  /** the updater signature the vendor made (e.g. Tauri's `.sig` file content) */
  signature: text({ min: 1, max: 8192 }).optional(),
});

// The signed client endpoint takes its key, fingerprint and nonce exactly as the license API does
// (the shared text type: U+0000 and unpaired surrogates are 400, API.md "Input domain").
export const latestBody = z.object({
  key,
  fingerprint: fingerprint.optional(),
  product: slug,
  platform,
  arch,
  channel: channel.default("stable"),
  currentVersion: version.optional(),
  nonce,
});

/**
 * One path segment of an update feed URL, decoded: no control characters (a decoded `%00` would reach
 * PostgreSQL, which cannot compare text holding U+0000).
 */
export const feedSegment = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\u0000-\u001f\u007f]+$/, "Must not contain control characters");

/**
 * The path parameters of Tauri's updater endpoint (`…/tauri/{product}/{target}/{arch}/{current_version}`),
 * with the values Tauri fills in: `target` its OS name, `arch` Rust's `target_arch` (one we have no builds
 * for still gets the license checked, then 204), `current_version` the app's SemVer version.
 */
export const tauriFeedParams = z.object({
  product: feedSegment.meta({ description: "Product slug.", examples: ["zenpad"] }),
  target: feedSegment
    .refine((t) => tauriPlatform(t) !== null, { error: (issue) => `Unknown target "${String(issue.input)}": use darwin, linux or windows` })
    .meta({ description: "Tauri's `{{target}}`: `darwin` (or `macos`), `linux` or `windows`.", examples: ["darwin"] }),
  arch: feedSegment.meta({ description: "Tauri's `{{arch}}`: `x86_64` or `aarch64` have builds; others answer `204`.", examples: ["aarch64"] }),
  current_version: feedSegment
    .refine((v) => isSemVer(v), { error: (issue) => `current_version "${String(issue.input)}" is not a SemVer version` })
    .meta({ description: "Tauri's `{{current_version}}`: the running app's SemVer version.", examples: ["1.4.1"] }),
});
