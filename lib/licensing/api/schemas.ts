// Request bodies of the client endpoints (API.md). Unknown fields are ignored;
// sizes are capped so a huge string is a 400, not work for the server. Every
// text field is the shared text type (lib/http/input.ts): U+0000 and unpaired
// surrogates are refused before they can take a seat or reach PostgreSQL.
import { z } from "zod";
import { text } from "../../http/input";

// A key is about 26 characters; anything far longer is not a key of ours.
const key = text({ min: 1, max: 128 });
// 1-256 characters, no control characters, kept exactly as sent (no trimming):
// it is the machine's identity.
const fingerprint = text({ min: 1, max: 256, trim: false }).regex(
  /^[^\u0000-\u001f\u007f]+$/,
  "fingerprint must not contain control characters",
);
const nonce = text({ max: 64, trim: false }).optional();
const label = text({ max: 256 }).optional();

export const validateBody = z.object({
  key,
  fingerprint: fingerprint.optional(),
  product: text({ min: 1, max: 128, trim: false }).optional(),
  entitlements: z.array(text({ min: 1, max: 128, trim: false })).max(100).optional(),
  nonce,
});

export const activateBody = z.object({ key, fingerprint, name: label, platform: label, hostname: label, nonce });

export const deactivateBody = z.object({ key, fingerprint, nonce });

export const heartbeatBody = z.object({ key, fingerprint, nonce });

export const offlineBody = z.object({ key, fingerprint, nonce });

/** The seed-compatible endpoint's body: `machine_id` plays the fingerprint. */
export const seedValidateBody = z.object({ key, machine_id: fingerprint });
