import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { ed25519Signer, type Ed25519Engine, type Ed25519Signer } from "./ed25519";

/**
 * The server's Ed25519 key, parsed once: signing runs on every license API response.
 * `sign` gives the 64-byte signature of any bytes (libsodium when it loads; see ./ed25519.ts). The
 * private key is held only inside `sign`, not as a KeyObject beside it. `engine` says which
 * implementation signs.
 */
export type SigningKey = { publicKey: KeyObject; keyId: string; publicKeyPem: string; sign: Ed25519Signer; engine: Ed25519Engine };

export type SignedRequest = { method: string; path: string; host: string };

export type SignatureHeaders = { Date: string; Digest: string; "License-Signature": string };

const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

export function signingKeyFromPem(privatePem: string): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`License signing key must be Ed25519, got ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  // A fingerprint of the public key itself, so clients can tell which key signed after a rotation.
  const keyId = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return { publicKey, keyId, publicKeyPem, ...ed25519Signer(privateKey) };
}

/** A fresh Ed25519 private key as PKCS#8 PEM (the `LICENSE_SIGNING_KEY` format). */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

export function bodyDigest(body: Buffer | string): string {
  return `sha-256=${createHash("sha256").update(body).digest("base64")}`;
}

/** The exact bytes that are signed (API.md "Response signatures"). */
export function signatureBase(parts: SignedRequest & { date: string; digest: string }): string {
  const path = parts.path.split("?", 1)[0];
  return [
    `(request-target): ${parts.method.toLowerCase()} ${path}`,
    `host: ${parts.host}`,
    `date: ${parts.date}`,
    `digest: ${parts.digest}`,
  ].join("\n");
}

export function signResponse(key: SigningKey, req: SignedRequest, body: Buffer | string, now = new Date()): SignatureHeaders {
  const date = now.toUTCString(); // RFC 7231 IMF-fixdate
  const digest = bodyDigest(body);
  const signature = key.sign(Buffer.from(signatureBase({ ...req, date, digest }))).toString("base64");
  return {
    Date: date,
    Digest: digest,
    "License-Signature": `keyid="${key.keyId}", algorithm="ed25519", signature="${signature}"`,
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** What a client does with a response: every check of API.md "Response signatures". */
export function verifySignedResponse(
  publicKey: KeyObject | string,
  req: SignedRequest,
  headers: { date?: string | null; digest?: string | null; signature?: string | null },
  body: Buffer | string,
  opts: { now?: Date; maxSkewMs?: number; keyId?: string } = {},
): VerifyResult {
  const { date, digest, signature } = headers;
  if (!date || !digest || !signature) return { ok: false, reason: "missing Date, Digest or License-Signature header" };
  if (digest !== bodyDigest(body)) return { ok: false, reason: "Digest does not match the body" };

  const params = parseSignatureHeader(signature);
  if (params.algorithm !== "ed25519" || !params.keyid || !params.signature) {
    return { ok: false, reason: "malformed License-Signature header" };
  }
  if (opts.keyId !== undefined && params.keyid !== opts.keyId) return { ok: false, reason: `unknown keyid ${params.keyid}` };

  const base = Buffer.from(signatureBase({ ...req, date, digest }));
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  if (!verify(null, base, key, Buffer.from(params.signature, "base64"))) return { ok: false, reason: "bad signature" };

  // Checked after the signature, so a Date is only trusted once it is known to be the server's.
  const sentAt = Date.parse(date);
  const now = (opts.now ?? new Date()).getTime();
  if (Number.isNaN(sentAt) || Math.abs(now - sentAt) > (opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    return { ok: false, reason: "Date is missing or too far from the current time" };
  }
  return { ok: true };
}

// `keyid="…", algorithm="…", signature="…"`, in any order.
function parseSignatureHeader(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name, value] of header.matchAll(/([a-z]+)="([^"]*)"/g)) {
    if (name !== undefined && value !== undefined) params[name] = value;
  }
  return params;
}
