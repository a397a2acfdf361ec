// Secrets the portal must read back (webhook signing secrets, email bodies that
// carry license keys) are stored sealed: AES-256-GCM under a key derived from
// LICENSE_ENCRYPTION_KEY for that one purpose, with the purpose as associated
// data, so a value sealed for one purpose never opens as another.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { encryptionMasterKey } from "./secrets";

/** What a sealed value is for; each gets its own derived key. */
export type SealPurpose = "webhook-secret" | "email-body";

const VERSION = "v1";
const keys = new Map<string, Buffer>();

function keyFor(purpose: SealPurpose): Buffer {
  const master = encryptionMasterKey();
  const cacheKey = `${purpose}:${master.toString("base64")}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `${purpose}/aes-256-gcm/v1`, 32));
    keys.set(cacheKey, key);
  }
  return key;
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url) of `plain` (UTF-8). */
export function seal(purpose: SealPurpose, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(purpose), iv).setAAD(Buffer.from(purpose));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/** The plain text of a value sealed for `purpose`; throws when it is malformed, tampered with or for another purpose. */
export function unseal(purpose: SealPurpose, sealed: string): string {
  const [version, iv, tag, data, ...rest] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined || rest.length > 0) throw new Error(`Malformed sealed ${purpose}`);
  const decipher = createDecipheriv("aes-256-gcm", keyFor(purpose), Buffer.from(iv, "base64url")).setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
