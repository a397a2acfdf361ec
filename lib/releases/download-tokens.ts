// Expiring download links: `/api/v1/downloads/<token>` where the token names the
// artifact and the license it was issued to, with an expiry, under an HMAC. No
// database row per link: any instance with the same LICENSE_ENCRYPTION_KEY can
// check one, and a forged or altered token fails the MAC.
import { createHmac, timingSafeEqual } from "node:crypto";
import { runtimeKeys } from "../licensing/runtime-keys";

/** How long a download link works: API.md says 10 minutes. */
export const DOWNLOAD_LINK_SECONDS = 600;

export type DownloadGrant = {
  artifactId: string;
  /** the license the link was issued for (null: issued to an admin in the console) */
  licenseId: string | null;
  /** expiry, UTC */
  expiresAt: Date;
};

// A key of its own, derived from the license key HMAC secret, so a token MAC can
// never be replayed as a key hash or the other way round.
let cachedKey: { from: Buffer; key: Buffer } | undefined;
function tokenKey(): Buffer {
  const { hmacKey } = runtimeKeys();
  if (cachedKey?.from !== hmacKey) cachedKey = { from: hmacKey, key: createHmac("sha256", hmacKey).update("license-portal/download-token/v1").digest() };
  return cachedKey.key;
}

const mac = (payload: string) => createHmac("sha256", tokenKey()).update(payload).digest();

/** A token for `grant`: base64url(JSON payload) "." base64url(HMAC-SHA256). */
export function createDownloadToken(grant: DownloadGrant): string {
  const payload = Buffer.from(
    JSON.stringify({ a: grant.artifactId, l: grant.licenseId, e: Math.floor(grant.expiresAt.getTime() / 1000) }),
  ).toString("base64url");
  return `${payload}.${mac(payload).toString("base64url")}`;
}

export type TokenCheck = { ok: true; grant: DownloadGrant } | { ok: false; reason: "forged" | "expired" };

/**
 * Checks a token's MAC, then its expiry. "forged" covers anything not made by
 * `createDownloadToken` with this portal's key (403); "expired" a genuine one
 * past its time (410).
 */
export function readDownloadToken(token: string, now = new Date()): TokenCheck {
  const m = /^([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: "forged" };
  const [, payload, signature] = m as unknown as [string, string, string];
  const expected = mac(payload);
  const given = Buffer.from(signature, "base64url");
  // Only the canonical spelling: base64's spare low bits must not let a second token pass for the first.
  if (given.toString("base64url") !== signature || given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "forged" };
  let parsed: { a?: unknown; l?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "forged" };
  }
  if (typeof parsed.a !== "string" || typeof parsed.e !== "number" || !(parsed.l === null || typeof parsed.l === "string")) {
    return { ok: false, reason: "forged" };
  }
  const expiresAt = new Date(parsed.e * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, grant: { artifactId: parsed.a, licenseId: parsed.l, expiresAt } };
}
