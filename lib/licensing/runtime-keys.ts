// The process's license secrets, read once from the environment (or the
// generated development values, see lib/config/secrets.ts).
import { secret } from "../config/secrets";
import { deriveKeySecrets } from "./keys";
import { signingKeyFromPem, type SigningKey } from "./signing";

type RuntimeKeys = { hmacKey: Buffer; aesKey: Buffer; signing: SigningKey; prefix: string };
let cached: RuntimeKeys | undefined;

/** LICENSE_ENCRYPTION_KEY as base64 (or 64 hex characters) of at least 32 bytes. */
function decodeMasterKey(value: string): Buffer {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (bytes.length < 32) throw new Error("LICENSE_ENCRYPTION_KEY must be at least 32 random bytes, base64-encoded");
  return bytes;
}

export function runtimeKeys(): RuntimeKeys {
  if (!cached) {
    const { hmacKey, aesKey } = deriveKeySecrets(decodeMasterKey(secret("LICENSE_ENCRYPTION_KEY")));
    // Environment files often hold a PEM on one line with literal "\n".
    const signing = signingKeyFromPem(secret("LICENSE_SIGNING_KEY").replace(/\\n/g, "\n"));
    const prefix = (process.env.LICENSE_KEY_PREFIX || "ZP").toUpperCase();
    cached = { hmacKey, aesKey, signing, prefix };
  }
  return cached;
}
