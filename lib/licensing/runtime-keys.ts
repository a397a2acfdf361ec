// The process's license secrets, read once from the environment (or the
// generated development values, see lib/config/secrets.ts).
import { encryptionMasterKey, secret } from "../config/secrets";
import { deriveKeySecrets } from "./keys";
import { signingKeyFromPem, type SigningKey } from "./signing";

type RuntimeKeys = { hmacKey: Buffer; aesKey: Buffer; signing: SigningKey; prefix: string };
let cached: RuntimeKeys | undefined;

export function runtimeKeys(): RuntimeKeys {
  if (!cached) {
    const { hmacKey, aesKey } = deriveKeySecrets(encryptionMasterKey());
    // Environment files often hold a PEM on one line with literal "\n".
    const signing = signingKeyFromPem(secret("LICENSE_SIGNING_KEY").replace(/\\n/g, "\n"));
    const prefix = (process.env.LICENSE_KEY_PREFIX || "ZP").toUpperCase();
    cached = { hmacKey, aesKey, signing, prefix };
  }
  return cached;
}
