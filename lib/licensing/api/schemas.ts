// Request bodies of the client endpoints (API.md). Unknown fields are ignored;
// sizes are capped so a huge string is a 400, not work for the server.
import { z } from "zod";

// A key is about 26 characters; anything far longer is not a key of ours.
const key = z.string().trim().min(1, "key is required").max(128);
// 1-256 characters, no control characters.
const fingerprint = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]+$/, "fingerprint must not contain control characters");
const nonce = z.string().max(64).optional();
const label = z.string().max(256).optional();

export const validateBody = z.object({
  key,
  fingerprint: fingerprint.optional(),
  product: z.string().min(1).max(128).optional(),
  entitlements: z.array(z.string().min(1).max(128)).max(100).optional(),
  nonce,
});

export const activateBody = z.object({ key, fingerprint, name: label, platform: label, hostname: label, nonce });

export const deactivateBody = z.object({ key, fingerprint, nonce });

export const heartbeatBody = z.object({ key, fingerprint, nonce });

export const offlineBody = z.object({ key, fingerprint, nonce });

/** The seed-compatible endpoint's body: `machine_id` plays the fingerprint. */
export const seedValidateBody = z.object({ key, machine_id: fingerprint });
