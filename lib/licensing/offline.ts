import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { SigningKey } from "./signing";

const BEGIN = "-----BEGIN LICENSE FILE-----";
const END = "-----END LICENSE FILE-----";
const ALG = "base64+ed25519";

// The signed bytes carry a purpose prefix so a license file signature can never pass for a response signature.
const signedBytes = (enc: string) => Buffer.from(`license/${enc}`, "ascii");

/** A license file an application can verify with the public key alone, without reaching the server. */
export function createOfflineCertificate(key: SigningKey, payload: object): string {
  const enc = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const sig = key.sign(signedBytes(enc)).toString("base64url");
  const body = Buffer.from(JSON.stringify({ enc, sig, alg: ALG })).toString("base64");
  return `${BEGIN}\n${body.replace(/.{64}(?=.)/g, "$&\n")}\n${END}\n`;
}

/** JSON the server signed; its shape is the issuer's ({license, machine, issuedAt, expiresAt} at least). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OfflinePayload = any;

export type OfflineVerifyResult = { ok: true; payload: OfflinePayload } | { ok: false; reason: string };

/** Accepts the file however it was re-wrapped in transit (line length, CRLF, surrounding white space). */
export function verifyOfflineCertificate(publicKey: KeyObject | string, certificate: string, now = new Date()): OfflineVerifyResult {
  const text = certificate.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) return { ok: false, reason: "not a license file" };
  const base64 = text.slice(BEGIN.length, -END.length).replace(/\s+/g, "");

  const envelope = parseJson(Buffer.from(base64, "base64").toString("utf8"));
  if (!isRecord(envelope) || typeof envelope.enc !== "string" || typeof envelope.sig !== "string") {
    return { ok: false, reason: "malformed license file" };
  }
  if (envelope.alg !== ALG) return { ok: false, reason: `unsupported algorithm ${String(envelope.alg)}` };

  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  if (!verify(null, signedBytes(envelope.enc), key, Buffer.from(envelope.sig, "base64url"))) {
    return { ok: false, reason: "bad signature" };
  }

  const payload = parseJson(Buffer.from(envelope.enc, "base64url").toString("utf8"));
  if (!isRecord(payload) || typeof payload.expiresAt !== "string") return { ok: false, reason: "malformed payload" };
  const expiresAt = Date.parse(payload.expiresAt);
  if (Number.isNaN(expiresAt) || expiresAt <= now.getTime()) return { ok: false, reason: "license file expired" };
  return { ok: true, payload };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
