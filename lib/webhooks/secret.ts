// Endpoint signing secrets: `whsec_<base64 of 32 random bytes>` as Standard
// Webhooks writes them (https://www.standardwebhooks.com, "Signature scheme"),
// shown once at creation and stored sealed (AES-256-GCM, lib/config/sealed.ts),
// because every delivery needs the secret itself to sign.
import { randomBytes } from "node:crypto";
import { seal, unseal } from "../config/sealed";

export const SECRET_PREFIX = "whsec_";

/** A new secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

export const sealWebhookSecret = (secret: string) => seal("webhook-secret", secret);
export const unsealWebhookSecret = (sealed: string) => unseal("webhook-secret", sealed);
