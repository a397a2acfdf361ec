import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * 32 symbols without look-alikes (no 0/O, no 1/I), so a key read aloud or retyped survives.
 * Upper-case L stays: keys are always shown upper-case, where it does not resemble 1.
 */
export const KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const GROUPS = 4;
const GROUP_LENGTH = 5;
const PREFIX_PATTERN = /^[A-Z0-9]{1,8}$/;
// Binds ciphertexts to their purpose: a blob encrypted for something else under the same key will not decrypt here.
const AAD = Buffer.from("license-key");
const CIPHER_VERSION = "v1";

/**
 * `PREFIX-XXXXX-XXXXX-XXXXX-XXXXX`: 20 symbols, 5 random bits each = exactly 100 bits of entropy.
 * Taking the low 5 bits of a random byte is unbiased because 32 divides 256.
 */
export function generateLicenseKey(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`License key prefix must be 1-8 characters of A-Z and 0-9, got "${prefix}"`);
  }
  const bytes = randomBytes(GROUPS * GROUP_LENGTH);
  const symbols = Array.from(bytes, (byte) => KEY_ALPHABET[byte & 31]).join("");
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) groups.push(symbols.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH));
  return [prefix, ...groups].join("-");
}

/**
 * A key brought from another system (Lemon Squeezy's UUIDs, a home-made format): 8-256
 * printable ASCII characters once trimmed (API.md "Admin API additions"). It is stored and
 * matched exactly like an issued key: encrypted as given, looked up by the keyed hash of its
 * normalised form, so it matches case-insensitively and with surrounding white space ignored.
 */
export const FOREIGN_KEY_PATTERN = /^[\x20-\x7e]{8,256}$/;

/** Keys match case-insensitively and with surrounding white space ignored (API contract). */
export function normalizeLicenseKey(input: string): string {
  return input.trim().toUpperCase();
}

/**
 * Splits one master secret into independent keys, so the lookup hash and the at-rest encryption
 * never use the same key material.
 */
export function deriveKeySecrets(masterKey: Buffer): { hmacKey: Buffer; aesKey: Buffer } {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), info, 32));
  return { hmacKey: derive("license-key/lookup-hmac/v1"), aesKey: derive("license-key/aes-256-gcm/v1") };
}

/** Keys are looked up by this keyed hash; the plaintext itself is never stored in clear. */
export function hashLicenseKey(key: string, hmacKey: Buffer): string {
  return createHmac("sha256", hmacKey).update(normalizeLicenseKey(key)).digest("hex");
}

/** AES-256-GCM so the owner can be shown the key again: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function encryptLicenseKey(key: string, aesKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", aesKey, iv).setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(key, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
  return [CIPHER_VERSION, ...parts].join(".");
}

/** Throws when the value is malformed or was tampered with (GCM authentication fails). */
export function decryptLicenseKey(ciphertext: string, aesKey: Buffer): string {
  const [version, iv, tag, data, ...rest] = ciphertext.split(".");
  if (version !== CIPHER_VERSION || iv === undefined || tag === undefined || data === undefined || rest.length > 0) {
    throw new Error("Malformed encrypted license key");
  }
  const decipher = createDecipheriv("aes-256-gcm", aesKey, strictBase64url(iv, 12)).setAAD(AAD);
  decipher.setAuthTag(strictBase64url(tag, 16));
  return Buffer.concat([decipher.update(strictBase64url(data)), decipher.final()]).toString("utf8");
}

/**
 * The head of a key, its prefix and first group (`ZP-A3K2P`), which people read out or paste when
 * they have only the start of a key. null for keys with fewer than three dash-separated groups
 * (imported keys of other formats), whose start is not a group of its own.
 */
export function licenseKeyHead(key: string): string | null {
  const groups = normalizeLicenseKey(key).split("-");
  return groups.length >= 3 && groups[0] && groups[1] ? `${groups[0]}-${groups[1]}` : null;
}

/**
 * Keyed hash of a key's head (see licenseKeyHead), domain-separated from hashLicenseKey so a head
 * hash can never equal a full key's hash. Hex, 64 characters.
 */
export function hashLicenseKeyHead(head: string, hmacKey: Buffer): string {
  return createHmac("sha256", hmacKey).update(`head:${normalizeLicenseKey(head)}`).digest("hex");
}

/** `key_head_hash` of a key that has no head (a foreign format): computed, and nothing to search by. */
export const NO_KEY_HEAD = "";

/**
 * Every column a license stores about its key: the lookup hash, the ciphertext, the hint and the
 * head hash. The one way to write a key, so no writer forgets a column. A key of another format
 * (imported) has no head: its head hash is the empty string, NO_KEY_HEAD, which no search hash
 * equals; null is kept for "not computed yet" (rows from before the column, see key-heads.ts).
 */
export function licenseKeyColumns(key: string, secrets: { hmacKey: Buffer; aesKey: Buffer }) {
  const head = licenseKeyHead(key);
  return {
    keyHash: hashLicenseKey(key, secrets.hmacKey),
    keyCiphertext: encryptLicenseKey(key, secrets.aesKey),
    keyHint: licenseKeyHint(key),
    keyHeadHash: head === null ? NO_KEY_HEAD : hashLicenseKeyHead(head, secrets.hmacKey),
  };
}

/** The last group, shown in lists so a key can be recognised without revealing it. */
export function licenseKeyHint(key: string): string {
  return normalizeLicenseKey(key).slice(-GROUP_LENGTH);
}

/**
 * `ZP-•••••-•••••-•••••-B5N8Z`: prefix and hint stay readable, the secret groups do not.
 * A key of another format (imported) shows only its last characters (the hint): its groups,
 * if it has any, may be most of the secret (a UUID's first and last group are 20 of 32 digits).
 */
export function maskLicenseKey(key: string): string {
  const normalized = normalizeLicenseKey(key);
  const groups = normalized.split("-");
  if (!ISSUED_KEY.test(normalized)) return `${"•".repeat(Math.min(Math.max(normalized.length - GROUP_LENGTH, 3), 20))}${licenseKeyHint(normalized)}`;
  return groups.map((group, i) => (i === 0 || i === groups.length - 1 ? group : "•".repeat(group.length))).join("-");
}

const ISSUED_KEY = new RegExp(`^[A-Z0-9]{1,8}(-[${KEY_ALPHABET}]{${GROUP_LENGTH}}){${GROUPS}}$`);

// Node's decoder silently ignores stray characters and unused trailing bits; insisting on the
// canonical encoding makes every character of the stored value significant.
function strictBase64url(text: string, expectedLength?: number): Buffer {
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text || (expectedLength !== undefined && bytes.length !== expectedLength)) {
    throw new Error("Malformed encrypted license key");
  }
  return bytes;
}
