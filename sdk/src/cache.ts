// The last signed answer and the offline license file, kept on disk for offline grace.
//
// The file holds the server's answer exactly as received (status, the three signature headers, the raw
// body bytes, the request it answered) so it is verified again with the pinned key every time it is
// read: editing the file cannot make a refusal into a licence, only break the signature. The highest
// clock reading seen is kept beside it for clock-rollback detection.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CachedAnswer, CachedOfflineFile } from "./grace.js";
import type { ValidationBody, ValidationCode } from "./types.js";
import { VALIDATION_CODES } from "./types.js";
import { isRecord, verifyOfflineFile, verifySignature, type PinnedKey, type SignatureHeaders } from "./verify.js";

export const CACHE_FORMAT = "license-portal-cache/1";

/** A signed answer exactly as it came off the wire. */
export type StoredAnswer = {
  method: string;
  path: string;
  host: string;
  status: number;
  nonce: string | null;
  headers: SignatureHeaders;
  /** The raw body bytes, base64. */
  body: string;
};

export type CacheContent = {
  answer: StoredAnswer | null;
  /** The offline license file's text. */
  offlineFile: string | null;
  /** The highest clock reading seen (ms since the epoch). */
  highWater: number;
};

export const emptyCache = (): CacheContent => ({ answer: null, offlineFile: null, highWater: 0 });

export interface CacheStore {
  read(): CacheContent;
  write(content: CacheContent): void;
  /** Where it lives, for messages (null: memory). */
  readonly location: string | null;
}

/** Kept in memory only (`cacheDir: false`): no offline grace across restarts. */
export class MemoryCache implements CacheStore {
  readonly location = null;
  private content = emptyCache();
  read() {
    return structuredClone(this.content);
  }
  write(content: CacheContent) {
    this.content = structuredClone(content);
  }
}

/** One JSON file, written atomically (temporary file + rename), readable by its owner only. */
export class FileCache implements CacheStore {
  constructor(readonly location: string) {}

  read(): CacheContent {
    let text: string;
    try {
      text = readFileSync(this.location, "utf8");
    } catch {
      return emptyCache();
    }
    return parseCache(text);
  }

  write(content: CacheContent): void {
    mkdirSync(path.dirname(this.location), { recursive: true, mode: 0o700 });
    const tmp = `${this.location}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, ...content }, null, 2), { mode: 0o600 });
      renameSync(tmp, this.location);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }
}

/** A damaged or foreign file reads as empty: it is only ever a source of signed data, never of trust. */
export function parseCache(text: string): CacheContent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return emptyCache();
  }
  if (!isRecord(json) || json.format !== CACHE_FORMAT) return emptyCache();
  const answer = isStoredAnswer(json.answer) ? json.answer : null;
  return {
    answer,
    offlineFile: typeof json.offlineFile === "string" ? json.offlineFile : null,
    highWater: typeof json.highWater === "number" && Number.isFinite(json.highWater) ? json.highWater : 0,
  };
}

function isStoredAnswer(value: unknown): value is StoredAnswer {
  if (!isRecord(value) || !isRecord(value.headers)) return false;
  const h = value.headers;
  const str = (v: unknown) => typeof v === "string";
  const strOrNull = (v: unknown) => v === null || typeof v === "string";
  return (
    str(value.method) && str(value.path) && str(value.host) && typeof value.status === "number" && strOrNull(value.nonce) &&
    str(value.body) && strOrNull(h.date) && strOrNull(h.digest) && strOrNull(h.signature)
  );
}

/** The default directory: per user, per application. */
export function defaultCacheDir(appId: string, env: Record<string, string | undefined> = process.env, platform = process.platform, home = os.homedir()): string {
  const safe = appId.replace(/[^A-Za-z0-9._-]/g, "_") || "app";
  if (platform === "win32") return path.win32.join(env.LOCALAPPDATA ?? env.APPDATA ?? path.win32.join(home, "AppData", "Local"), "license-portal", safe);
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "license-portal", safe);
  return path.join(env.XDG_STATE_HOME || path.join(home, ".local", "state"), "license-portal", safe);
}

/** One file per server and license key, so a key's answers are never read for another key. */
export function cacheFileName(server: string, licenseKey: string): string {
  const id = createHash("sha256").update(`${new URL(server).origin}\n${licenseKey.trim().toUpperCase()}`).digest("hex").slice(0, 20);
  return `license-${id}.json`;
}

const ANSWER_PATHS = new Set(["/licenses/validate", "/licenses/activate", "/licenses/heartbeat", "/licenses/offline"]);

export type Verified<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Re-verifies a stored answer: the pinned key's signature, this machine, this product. */
export function verifyStoredAnswer(
  stored: StoredAnswer,
  pinned: PinnedKey,
  expect: { fingerprint: string; product?: string },
): Verified<CachedAnswer> {
  if (![...ANSWER_PATHS].some((p) => stored.path.endsWith(p))) return { ok: false, reason: "the saved answer is not a validation answer" };
  const body = Buffer.from(stored.body, "base64");
  const checked = verifySignature(pinned, { method: stored.method, path: stored.path, host: stored.host }, stored.headers, body);
  if (!checked.ok) return { ok: false, reason: `the saved answer fails verification: ${checked.reason}` };
  const json = checked.json;
  if (!isValidationBody(json)) return { ok: false, reason: "the saved answer is not a validation answer" };
  if (json.meta.nonce !== stored.nonce) return { ok: false, reason: "the saved answer does not match its request" };
  if (json.machine && json.machine.fingerprint !== expect.fingerprint) return { ok: false, reason: "the saved answer is for another machine" };
  if (json.valid && !json.machine) return { ok: false, reason: "the saved answer names no machine" };
  if (expect.product !== undefined && json.license && json.license.product !== expect.product) {
    return { ok: false, reason: "the saved answer is for another product" };
  }
  const at = Date.parse(json.meta.ts);
  return { ok: true, value: toCachedAnswer(json, Number.isNaN(at) ? checked.date : at) };
}

export function verifyStoredOfflineFile(text: string, pinned: PinnedKey, expect: { fingerprint: string; product?: string }): Verified<CachedOfflineFile> {
  const checked = verifyOfflineFile(pinned, text, expect.fingerprint);
  if (!checked.ok) return { ok: false, reason: checked.reason };
  if (expect.product !== undefined && checked.payload.license.product !== expect.product) {
    return { ok: false, reason: "the license file is for another product" };
  }
  return { ok: true, value: { issuedAt: checked.issuedAt, expiresAt: checked.expiresAt, license: checked.payload.license } };
}

export function toCachedAnswer(body: ValidationBody, at: number): CachedAnswer {
  return { at, valid: body.valid, code: body.code, detail: body.detail, license: body.license, machine: body.machine };
}

export function isValidationBody(json: unknown): json is ValidationBody {
  return (
    isRecord(json) &&
    typeof json.valid === "boolean" &&
    typeof json.code === "string" &&
    VALIDATION_CODES.includes(json.code as ValidationCode) &&
    (json.valid === (json.code === "VALID")) &&
    (json.license === null || isRecord(json.license)) &&
    (json.machine === null || isRecord(json.machine)) &&
    isRecord(json.meta) &&
    typeof json.meta.ts === "string"
  );
}
