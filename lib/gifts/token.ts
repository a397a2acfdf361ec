// The secret of a gift link. Like a sign-in link's token it is a bearer
// secret in an email, so only its SHA-256 is stored: a leaked database row
// cannot be turned back into a link. 256 random bits need no salt or key.
import { createHash, randomBytes } from "node:crypto";

/** A new link token (43 base64url characters) and the hash that is stored. */
export function newGiftToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashGiftToken(token) };
}

/** SHA-256 hex of a token, as stored in license_gifts.token_hash. */
export function hashGiftToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Tokens are 43 base64url characters; anything else is not one (checked before any query). */
export function isGiftTokenShaped(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}
