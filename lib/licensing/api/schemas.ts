// Request bodies of the client endpoints (API.md). Unknown fields are ignored;
// sizes are capped so a huge string is a 400, not work for the server. Every
// text field is the shared text type (lib/http/input.ts): U+0000 and unpaired
// surrogates are refused before they can take a seat or reach PostgreSQL.
// The `.meta` descriptions are what the OpenAPI document shows (./openapi.ts).
import { z } from "zod";
import { text } from "../../http/input";
import { isSemVer } from "../../releases/semver";

// An issued key is about 26 characters; one imported from another system may have
// up to 256 (API.md "Admin API additions"), so that is the bound.
export const key = text({ min: 1, max: 256 }).meta({
  description: "The license key as issued (or imported); matched case-insensitively, surrounding white space ignored.",
  examples: ["ZP-A3K2P-X9M4Q-R7T2W-B5N8Z"],
});
// 1-256 characters, no control characters, kept exactly as sent (no trimming):
// it is the machine's identity.
export const fingerprint = text({ min: 1, max: 256, trim: false })
  .regex(/^[^\u0000-\u001f\u007f]+$/, "fingerprint must not contain control characters")
  .meta({
    description: "Identifies one machine: 1-256 characters without control characters (the SDK sends a SHA-256 hex).",
    examples: ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
  });
export const nonce = text({ max: 64, trim: false })
  .optional()
  .meta({ description: "Echoed back in `meta.nonce` and so covered by the signature: a replayed response will not match." });
const label = (description: string) => text({ max: 256 }).optional().meta({ description });

export const validateBody = z.object({
  key,
  fingerprint: fingerprint.optional().meta({ description: "When given, the machine must be active on this license." }),
  product: text({ min: 1, max: 128, trim: false })
    .optional()
    .meta({ description: "When given, the license must be for this product (slug).", examples: ["zenpad"] }),
  entitlements: z
    .array(text({ min: 1, max: 128, trim: false }))
    .max(100)
    .optional()
    .meta({ description: "When given, the license must grant all of them.", examples: [["sync"]] }),
  version: text({ min: 1, max: 128 })
    .refine(isSemVer, "Must be a SemVer version like 1.4.2")
    .optional()
    .meta({
      description:
        "The version the application runs. An expired license on a plan with expirationStrategy MAINTAIN answers VALID for a release published before its expiry (perpetual fallback).",
      examples: ["1.4.2"],
    }),
  nonce,
});

export const activateBody = z.object({
  key,
  fingerprint,
  name: label("A name people recognise the machine by."),
  platform: label("Shown to the vendor (admin API); not returned to clients."),
  hostname: label("Kept for the vendor; not returned to clients."),
  nonce,
});

export const deactivateBody = z.object({ key, fingerprint, nonce });

export const heartbeatBody = z.object({ key, fingerprint, nonce });

export const offlineBody = z.object({ key, fingerprint, nonce });

/** The seed-compatible endpoint's body: `machine_id` plays the fingerprint. */
export const seedValidateBody = z.object({ key, machine_id: fingerprint });
