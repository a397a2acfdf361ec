// Secrets the portal cannot run without. Production sets them in the environment;
// on a developer's machine a missing one is generated once, kept in
// .data/secrets.json (gitignored) and announced with a warning, so `npm start`
// works with nothing configured and keys stay valid across restarts.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { logger } from "../logging/logger";
import { DeploymentConfigError, deploymentGaps, describeGaps, isPublicDeployment, localServicesAllowed } from "./deployment";

export type SecretName = "AUTH_SECRET" | "LICENSE_SIGNING_KEY" | "LICENSE_ENCRYPTION_KEY";

const generators: Record<SecretName, () => string> = {
  AUTH_SECRET: () => randomBytes(32).toString("base64url"),
  LICENSE_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
  LICENSE_SIGNING_KEY: () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
};

/** Where local state lives: the embedded database, generated secrets. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.PORTAL_DATA_DIR ?? path.join(process.cwd(), ".data"));
}

/** The file generated development secrets are kept in: `secrets.json` under {@link dataDir} (PORTAL_DATA_DIR). */
export function secretsFile(): string {
  return path.join(dataDir(), "secrets.json");
}

/**
 * Makes sure every secret is in process.env, generating and persisting the
 * missing ones. Returns the names that were taken from .data/ rather than
 * from the environment, for the caller to warn about.
 * @throws DeploymentConfigError on a public deployment (APP_URL https) without ALLOW_LOCAL_SERVICES=1.
 */
export function ensureSecrets(): SecretName[] {
  const missing = (Object.keys(generators) as SecretName[]).filter((name) => !process.env[name]);
  if (missing.length === 0) return [];
  // A public deployment must bring its own (lib/config/deployment.ts), whichever entry point started it.
  if (isPublicDeployment() && !localServicesAllowed()) {
    const gaps = deploymentGaps().filter((g) => g.variables.some((v) => missing.includes(v as SecretName)));
    throw new DeploymentConfigError(describeGaps(process.env.APP_URL ?? "", gaps), gaps);
  }
  const file = secretsFile();
  const stored: Partial<Record<SecretName, string>> = existsSync(file)
    ? JSON.parse(readFileSync(file, "utf8"))
    : {};
  let changed = false;
  for (const name of missing) {
    if (!stored[name]) {
      stored[name] = generators[name]();
      changed = true;
    }
    process.env[name] = stored[name];
  }
  if (changed) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return missing;
}

/** A secret from the environment, falling back to the generated development one. */
export function secret(name: SecretName): string {
  if (!process.env[name]) {
    for (const n of ensureSecrets()) {
      logger().warn(`${n} is not set; using a generated development value from ${secretsFile()}. Production must set it.`);
    }
  }
  return process.env[name]!;
}

/**
 * LICENSE_ENCRYPTION_KEY decoded: base64 (or 64 hex characters) of at least 32
 * bytes. Never used directly: each purpose derives its own key from it (HKDF;
 * lib/licensing/keys.ts, lib/config/sealed.ts).
 */
export function encryptionMasterKey(): Buffer {
  const value = secret("LICENSE_ENCRYPTION_KEY");
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (bytes.length < 32) throw new Error("LICENSE_ENCRYPTION_KEY must be at least 32 random bytes, base64-encoded");
  return bytes;
}
