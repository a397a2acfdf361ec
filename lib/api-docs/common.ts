// What many operations share in the OpenAPI document: the error body, the signature and rate-limit headers,
// and the standard failure answers. Capabilities build their registrations from these so that, e.g., every
// 503 says the same thing and carries `Retry-After`.
import { z } from "zod";
import type { Example, HeaderSpec, ResponseSpec, SecurityRequirement } from "./registry";

/** True when A and B are the same type (both ways assignable). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compile-time proof that a documented schema describes exactly the type a handler returns:
 * `sameType<z.output<typeof licenseSchema>, LicenseBody>()` does not type-check when they differ.
 */
export function sameType<A, B>(..._proof: Same<A, B> extends true ? [] : [never]): void {}

/** Public operations: no credentials. */
export const PUBLIC: SecurityRequirement[] = [];
/** The admin API: `Authorization: Bearer <token>` (components.securitySchemes.adminToken). */
export const ADMIN_SECURITY: SecurityRequirement[] = [{ adminToken: [] }];
/** The update feeds: the license key as `Authorization: License <key>` or as `?key=` (either suffices). */
export const LICENSE_KEY_SECURITY: SecurityRequirement[] = [{ licenseKey: [] }, { licenseKeyQuery: [] }];
/** `/metrics`: METRICS_TOKEN or any admin API token (either requirement suffices). */
export const METRICS_SECURITY: SecurityRequirement[] = [{ metricsToken: [] }, { adminToken: [] }];

export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "GONE",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export const issueSchema = z
  .object({
    path: z.string().meta({ description: "Where in the input, dot-separated, e.g. `entitlements.0`; empty for the body as a whole." }),
    message: z.string(),
  })
  .meta({ id: "Issue" });

/** `{"error": {code, message, issues?}}`, as lib/http/errors.ts builds every error answer. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: "Machine-readable; branch on this, not on `message`." }),
      message: z.string().meta({ description: "For people; do not parse it." }),
      issues: z.array(issueSchema).optional().meta({ description: "What was wrong with the input (`BAD_REQUEST`)." }),
    }),
  })
  .meta({ id: "Error" });

const ref = (name: string): HeaderSpec => ({ $ref: `#/components/headers/${name}` });

/** `components.headers`: shared response headers, referred to by name. */
export const SHARED_HEADERS: Record<string, { description: string; schema: z.ZodType; example: unknown }> = {
  Date: {
    description: "Response time (RFC 7231); covered by the signature. Reject answers more than 5 minutes off.",
    schema: z.string(),
    example: "Tue, 03 Mar 2026 10:15:00 GMT",
  },
  Digest: {
    description: "`sha-256=` + the base64 SHA-256 of the exact response body bytes.",
    schema: z.string().regex(/^sha-256=[A-Za-z0-9+/]{43}=$/),
    example: "sha-256=ja8Jpvwxk3RX3XfpwlzkshNJ1gW1YajF1VeEG/lkyaA=",
  },
  "License-Signature": {
    description: "Ed25519 over `(request-target)`, `host`, `date` and `digest` lines joined by `\\n`; `keyid` is that of `GET /api/v1/public-key`.",
    schema: z.string().regex(/^keyid="[^"]+", algorithm="ed25519", signature="[A-Za-z0-9+/=]+"$/),
    example: 'keyid="08d4f264426a3c0e", algorithm="ed25519", signature="kaQfPYRuqdoQ9UuCupVsvCerqt2OscmmUUIzkPCEVdo6s78+aR25MFkTlPYsr/iJn1c9pU60GC6RXwgFju5hDw=="',
  },
  "RateLimit-Limit": { description: "Requests allowed per window.", schema: z.int().min(0), example: 120 },
  "RateLimit-Remaining": { description: "Requests left in the current window.", schema: z.int().min(0), example: 0 },
  "RateLimit-Reset": { description: "Seconds until the window resets.", schema: z.int().min(0), example: 17 },
  "Retry-After": { description: "Seconds to wait before retrying.", schema: z.int().min(0), example: 17 },
};

export const SIGNATURE_HEADERS: Record<string, HeaderSpec> = { Date: ref("Date"), Digest: ref("Digest"), "License-Signature": ref("License-Signature") };
export const RATE_LIMIT_HEADERS: Record<string, HeaderSpec> = {
  "RateLimit-Limit": ref("RateLimit-Limit"),
  "RateLimit-Remaining": ref("RateLimit-Remaining"),
  "RateLimit-Reset": ref("RateLimit-Reset"),
};
/** What every answer of a signed client endpoint carries; the rate-limit ones only while the limit is on. */
export const SIGNED_HEADERS: Record<string, HeaderSpec> = { ...SIGNATURE_HEADERS, ...RATE_LIMIT_HEADERS };
export const RETRY_AFTER: Record<string, HeaderSpec> = { "Retry-After": ref("Retry-After") };

/** One error example, named after its code. */
export function errorExample(code: (typeof ERROR_CODES)[number], message: string, issues?: { path: string; message: string }[]): Record<string, Example> {
  return { [code.toLowerCase()]: { summary: code, value: { error: { code, message, ...(issues ? { issues } : {}) } } } };
}

/** An error answer with the shared body. */
export function errorResponse(description: string, examples: Record<string, Example>, headers?: Record<string, HeaderSpec>): ResponseSpec {
  return { description, schema: errorSchema, examples, ...(headers ? { headers } : {}) };
}

/** What an operation takes as input decides which 400/413 answers it can give. */
export type InputKind = "body" | "query" | "none";

/**
 * The failures every JSON endpoint shares: 400 and 413 for a body, 400 for a query, 503 always. Signed client
 * endpoints sign their errors too, send the rate-limit headers with every answer and can answer 429.
 */
export function commonErrors(opts: { signed: boolean; input: InputKind }): Record<string, ResponseSpec> {
  const headers = opts.signed ? SIGNED_HEADERS : undefined;
  const errors: Record<string, ResponseSpec> = {};
  if (opts.input === "body") {
    errors["400"] = errorResponse(
      "Malformed input: bad JSON, wrong types or missing required fields.",
      errorExample("BAD_REQUEST", "Invalid request body", [{ path: "fingerprint", message: "Too big: expected string to have <=256 characters" }]),
      headers,
    );
    errors["413"] = errorResponse("The body is over 16 KiB.", errorExample("PAYLOAD_TOO_LARGE", "Request body exceeds 16384 bytes"), headers);
  } else if (opts.input === "query") {
    errors["400"] = errorResponse(
      "Malformed query parameters.",
      errorExample("BAD_REQUEST", "Invalid query parameters", [{ path: "status", message: 'Invalid option: expected one of "ACTIVE"|"SUSPENDED"|"REVOKED"|"EXPIRED"' }]),
      headers,
    );
  }
  errors["503"] = errorResponse(
    "The database is unreachable; retry after `Retry-After` seconds.",
    errorExample("UNAVAILABLE", "The database is unavailable; retry shortly"),
    { ...headers, ...RETRY_AFTER },
  );
  if (opts.signed) {
    errors["429"] = errorResponse("Rate limited: too many requests a minute from this client IP or for this key.", errorExample("RATE_LIMITED", "Too many requests"), {
      ...headers,
      ...RETRY_AFTER,
    });
  }
  return errors;
}

/**
 * The admin API's failures: the common ones, 401 for a missing or wrong token, and 429 once a client IP has
 * failed to authenticate too often (lib/admin-api/auth.ts).
 */
export function adminErrors(input: InputKind = "body"): Record<string, ResponseSpec> {
  return {
    ...commonErrors({ signed: false, input }),
    "401": errorResponse("The bearer token is missing or wrong.", errorExample("UNAUTHORIZED", "A valid admin API token is required"), {
      "WWW-Authenticate": { description: '`Bearer realm="admin"`.', schema: z.string() },
    }),
    "429": errorResponse(
      "Too many failed authentications from this client IP (20 in 15 minutes): every request from it is refused until `Retry-After` seconds have passed.",
      errorExample("RATE_LIMITED", "Too many failed authentications from this address; try again later"),
      RETRY_AFTER,
    ),
  };
}

/** `Cache-Control` on cacheable public documents. */
export const CACHE_5_MINUTES: Record<string, HeaderSpec> = { "Cache-Control": { description: "`public, max-age=300`.", schema: z.string() } };

/** An ISO 8601 UTC instant as the server writes it (`Date.prototype.toISOString`). */
export const instantOut = () => z.iso.datetime();

/** `{"deleted": true}`: what a successful DELETE of a resource answers. */
export const deletedSchema = z.object({ deleted: z.literal(true) }).meta({ id: "Deleted" });
