// Checks of the server's signatures (API.md "Response signatures" and "Offline license file").
//
// A response is trusted only when: its Digest is the SHA-256 of the exact body; the License-Signature
// names the pinned key's keyid and is a valid Ed25519 signature of
//   (request-target): <method> <path> \n host: <host> \n date: <Date> \n digest: <Digest>
// by the pinned key; its Date is within the allowed skew of this computer's clock; a body that carries
// `meta` echoes the nonce this client sent; and it was not already accepted once (replay).
import { createHash, createPublicKey, verify as edVerify, type KeyObject } from "node:crypto";
import type { LicenseInfo } from "./types.js";

export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

export type VerifyFailure =
  | "MISSING_SIGNATURE"
  | "BAD_DIGEST"
  | "MALFORMED_SIGNATURE"
  | "UNKNOWN_KEY"
  | "BAD_SIGNATURE"
  | "STALE_DATE"
  | "NONCE_MISMATCH"
  | "REPLAYED"
  | "MALFORMED_BODY";

export type VerifyResult = { ok: true; json: unknown; date: number } | { ok: false; failure: VerifyFailure; reason: string };

/** A pinned public key: the PEM (SPKI) the vendor ships, parsed once, with the keyid the server uses. */
export type PinnedKey = { key: KeyObject; keyId: string };

export function pinKey(publicKey: string | KeyObject | PinnedKey): PinnedKey {
  if (typeof publicKey === "object" && "keyId" in publicKey) return publicKey;
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  if (key.type !== "public") throw new Error("The pinned license key must be the server's public key");
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`The pinned license key must be Ed25519, got ${key.asymmetricKeyType}`);
  return { key, keyId: keyIdOf(key) };
}

/** The server's keyid: the first 16 hex digits of the SHA-256 of the key's SPKI DER. */
export function keyIdOf(key: KeyObject): string {
  return createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

export function bodyDigest(body: Buffer | string): string {
  return `sha-256=${createHash("sha256").update(body).digest("base64")}`;
}

export type SignedRequest = { method: string; path: string; host: string };

export function signatureBase(req: SignedRequest, date: string, digest: string): string {
  const path = req.path.split("?", 1)[0];
  return [`(request-target): ${req.method.toLowerCase()} ${path}`, `host: ${req.host}`, `date: ${date}`, `digest: ${digest}`].join("\n");
}

/** `keyid="…", algorithm="…", signature="…"`, in any order. */
export function parseSignatureHeader(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name, value] of header.matchAll(/([a-z]+)="([^"]*)"/g)) {
    if (name !== undefined && value !== undefined) params[name] = value;
  }
  return params;
}

/** The three headers a signed answer carries (lower-case names as Node's fetch gives them). */
export type SignatureHeaders = { date: string | null; digest: string | null; signature: string | null };

/**
 * Digest, key id and signature only: no clock, no nonce. Used as it is for answers re-read from the
 * cache, whose freshness the grace logic judges instead.
 */
export function verifySignature(pinned: PinnedKey, req: SignedRequest, headers: SignatureHeaders, body: Buffer | string): VerifyResult {
  const { date, digest, signature } = headers;
  if (!date || !digest || !signature) return fail("MISSING_SIGNATURE", "the answer carries no Date, Digest or License-Signature header");
  if (digest !== bodyDigest(body)) return fail("BAD_DIGEST", "the body does not match its Digest: it was altered on the way");
  const params = parseSignatureHeader(signature);
  if (params.algorithm !== "ed25519" || !params.keyid || !params.signature) return fail("MALFORMED_SIGNATURE", "malformed License-Signature header");
  if (params.keyid !== pinned.keyId) {
    return fail("UNKNOWN_KEY", `the answer is signed by key ${params.keyid}, not by the pinned key ${pinned.keyId}`);
  }
  const ok = edVerify(null, Buffer.from(signatureBase(req, date, digest)), pinned.key, Buffer.from(params.signature, "base64"));
  if (!ok) return fail("BAD_SIGNATURE", "the signature does not verify with the pinned key");
  const sentAt = Date.parse(date);
  if (Number.isNaN(sentAt)) return fail("STALE_DATE", "the Date header is not a date");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(body) ? body.toString("utf8") : body);
  } catch {
    return fail("MALFORMED_BODY", "the signed body is not JSON");
  }
  return { ok: true, json, date: sentAt };
}

export type ResponseVerifierOptions = {
  publicKey: string | KeyObject | PinnedKey;
  /** How far the server's Date may be from this computer's clock (default 5 minutes, as the contract says). */
  maxSkewMs?: number;
  now?: () => number;
};

/**
 * Verifies live answers and remembers what it accepted, so the same answer cannot be played back to it:
 * every nonce it accepted (answers that echo one) and every signature of a nonce-less success answer,
 * for as long as their Date is within the skew window (after that the Date check rejects them anyway).
 */
export class ResponseVerifier {
  readonly pinned: PinnedKey;
  readonly maxSkewMs: number;
  private readonly now: () => number;
  private readonly seen = new Map<string, number>(); // "n:<nonce>" / "s:<signature>" → forget after (ms)
  private pruneAt = 1024;

  constructor(options: ResponseVerifierOptions) {
    this.pinned = pinKey(options.publicKey);
    this.maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * `expectedNonce`: the nonce this client sent; a body with `meta` (or a `valid` verdict) must echo it.
   * Pass null for endpoints whose answers carry no nonce (deactivate, offline).
   */
  verify(req: SignedRequest, headers: SignatureHeaders, body: Buffer | string, expectedNonce: string | null): VerifyResult {
    const result = verifySignature(this.pinned, req, headers, body);
    if (!result.ok) return result;
    const now = this.now();
    // Checked after the signature, so only a Date known to be the server's is reported as skew.
    if (Math.abs(now - result.date) > this.maxSkewMs) {
      const minutes = Math.round((now - result.date) / 60_000);
      return fail("STALE_DATE", `the server's Date is ${Math.abs(minutes)} minute(s) ${minutes > 0 ? "behind" : "ahead of"} this computer's clock`);
    }

    const json = result.json;
    const record = isRecord(json) ? json : {};
    const meta = isRecord(record.meta) ? record.meta : undefined;
    let replayKey: string | null = null;
    if (expectedNonce !== null && (meta !== undefined || "valid" in record)) {
      if (meta?.nonce !== expectedNonce) return fail("NONCE_MISMATCH", "the answer does not echo this request's nonce: it answers another request");
      replayKey = `n:${expectedNonce}`;
    } else if (!("error" in record)) {
      // Nonce-less successes (deactivated, certificate): the signature itself identifies the answer.
      replayKey = `s:${parseSignatureHeader(headers.signature ?? "").signature ?? ""}`;
    }
    this.prune(now);
    if (replayKey !== null) {
      if (this.seen.has(replayKey)) return fail("REPLAYED", "this answer was already received once: it is being played back");
      this.seen.set(replayKey, result.date + this.maxSkewMs);
    }
    return result;
  }

  /** Drops what the Date check would reject anyway; amortised: runs when the memory has doubled. */
  private prune(now: number) {
    if (this.seen.size < this.pruneAt) return;
    for (const [key, until] of this.seen) if (until < now) this.seen.delete(key);
    this.pruneAt = Math.max(1024, this.seen.size * 2);
  }
}

// ---- Offline license files ----

const BEGIN = "-----BEGIN LICENSE FILE-----";
const END = "-----END LICENSE FILE-----";
const ALG = "base64+ed25519";

export type OfflinePayload = {
  license: LicenseInfo;
  machine: { id?: string; fingerprint: string };
  issuedAt: string;
  expiresAt: string;
};

export type OfflineFileResult =
  | { ok: true; payload: OfflinePayload; issuedAt: number; expiresAt: number }
  | { ok: false; reason: string };

/**
 * The signature and shape of a license file (however it was re-wrapped in transit), and that it was
 * issued for `fingerprint` when one is given. Expiry is the caller's to judge (see grace.ts), so a
 * file can be inspected after it expired.
 */
export function verifyOfflineFile(publicKey: string | KeyObject | PinnedKey, certificate: string, fingerprint?: string): OfflineFileResult {
  const pinned = pinKey(publicKey);
  const text = certificate.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) return { ok: false, reason: "not a license file" };
  const envelope = parseJson(Buffer.from(text.slice(BEGIN.length, -END.length).replace(/\s+/g, ""), "base64").toString("utf8"));
  if (!isRecord(envelope) || typeof envelope.enc !== "string" || typeof envelope.sig !== "string") {
    return { ok: false, reason: "malformed license file" };
  }
  if (envelope.alg !== ALG) return { ok: false, reason: `unsupported license file algorithm ${String(envelope.alg)}` };
  // The purpose prefix keeps a file signature from ever passing for a response signature.
  if (!edVerify(null, Buffer.from(`license/${envelope.enc}`, "ascii"), pinned.key, Buffer.from(envelope.sig, "base64url"))) {
    return { ok: false, reason: "the license file's signature does not verify with the pinned key" };
  }
  const payload = parseJson(Buffer.from(envelope.enc, "base64url").toString("utf8"));
  if (
    !isRecord(payload) ||
    typeof payload.issuedAt !== "string" ||
    typeof payload.expiresAt !== "string" ||
    !isRecord(payload.license) ||
    !isRecord(payload.machine) ||
    typeof payload.machine.fingerprint !== "string"
  ) {
    return { ok: false, reason: "malformed license file payload" };
  }
  const issuedAt = Date.parse(payload.issuedAt);
  const expiresAt = Date.parse(payload.expiresAt);
  if (Number.isNaN(issuedAt) || Number.isNaN(expiresAt)) return { ok: false, reason: "malformed license file dates" };
  if (fingerprint !== undefined && payload.machine.fingerprint !== fingerprint) {
    return { ok: false, reason: "the license file was issued for another machine" };
  }
  return { ok: true, payload: payload as unknown as OfflinePayload, issuedAt, expiresAt };
}

function fail(failure: VerifyFailure, reason: string): VerifyResult {
  return { ok: false, failure, reason };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
