// The shapes licenses are imported in and exported as (API.md "Admin API additions").
// An export of licenses with their keys is itself a valid import body, so a vendor can
// move between portals (or back) without losing a key.
import { z } from "zod";
import { slug } from "../admin-api/schemas";
import { email, instant, text } from "../http/input";
import { FOREIGN_KEY_PATTERN } from "../licensing/keys";
import { EXPORT_KINDS } from "./export";

/** Most licenses one import call takes (API.md): one transaction must stay short. */
export const IMPORT_LIMIT = 1000;

/** A key from another system: 8-256 printable ASCII characters, any format; stored trimmed. */
export const importedKey = z
  .string()
  .trim()
  .regex(FOREIGN_KEY_PATTERN, "A license key is 8-256 printable ASCII characters");

/** The fingerprint rules of the license API: 1-256 characters, no control characters, kept as sent. */
const fingerprint = text({ min: 1, max: 256, trim: false }).regex(/^[^\u0000-\u001f\u007f]+$/, "Must not contain control characters");

export const importedMachine = z.object({
  fingerprint,
  name: text({ max: 256 }).nullable().optional(),
  // Seats are kept in activation order (API.md "Seats after a change"). Absent: the time of
  // the import, a millisecond apart in the order given.
  activatedAt: instant.optional(),
});

export const LICENSE_STATUSES = ["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"] as const;

/** One license of an import: what API.md lists, plus the customer's `name` (used when the customer is new). */
export const importedLicense = z.object({
  plan: slug,
  email,
  key: importedKey,
  name: text({ max: 200 }).nullable().optional(),
  // undefined: the plan's durationDays from createdAt; null: perpetual.
  expiresAt: instant.nullable().optional(),
  maxMachines: z.number().int().min(1).max(10_000).nullable().optional(),
  status: z.enum(LICENSE_STATUSES).default("ACTIVE"),
  createdAt: instant.optional(),
  machines: z.array(importedMachine).max(10_000).default([]),
});

export type ImportedLicense = z.output<typeof importedLicense>;

/** The body of POST /api/v1/admin/licenses/import; each item is checked on its own (errors by index). */
export const importBody = z.object({
  licenses: z.array(z.unknown()).max(IMPORT_LIMIT, `At most ${IMPORT_LIMIT} licenses per call`),
});

/** The `{kind}` of GET /api/v1/admin/export/{kind}. */
export const exportKind = z.enum(EXPORT_KINDS).meta({ description: "What to export.", examples: ["licenses"] });
