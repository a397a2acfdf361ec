// The OpenAPI 3.1 description of the HTTP contract in API.md, written by hand so every field says what the
// contract promises and nothing more. It feeds both `GET /api/v1/openapi.json` and the `/docs/api` page, so
// the machine-readable and the human-readable reference cannot drift apart.

/** In the order `decide` checks them (lib/licensing/decision.ts), then activation's own refusal. */
export const VALIDATION_CODES = [
  "VALID",
  "NOT_FOUND",
  "REVOKED",
  "SUSPENDED",
  "EXPIRED",
  "PRODUCT_MISMATCH",
  "HEARTBEAT_DEAD",
  "NO_MACHINE",
  "MACHINE_MISMATCH",
  "ENTITLEMENTS_MISSING",
  "TOO_MANY_MACHINES",
] as const;

export const TAGS = [
  { name: "License", description: "Client endpoints, authenticated by the license key itself. Their responses are signed." },
  { name: "Admin", description: "Catalogue and license management for the vendor, with `Authorization: Bearer <token>`." },
  { name: "System", description: "Health and this API description." },
] as const;

const API_DESCRIPTION = `JSON in, JSON out: send \`Content-Type: application/json\`; unknown body fields are ignored. Request bodies on \`/api/v1/*\` and \`/api/validate\` are limited to 16 KiB; a larger one answers \`400\` or \`413\`.

## Errors
Malformed input (bad JSON, wrong types, missing fields) answers \`400\` with \`{"error": {"code": "BAD_REQUEST", "message": "...", "issues": [...]}}\`, never a 5xx. A duplicate slug answers \`409\` (\`CONFLICT\`); an unknown product or plan named in a body answers \`400\`. When the database is unreachable the answer is \`503\` (\`UNAVAILABLE\`) with \`Retry-After\`.

## Rate limits
The client endpoints allow 120 requests a minute per client IP and, separately, per license key (the server's \`RATE_LIMIT_PER_MINUTE\`; \`0\` turns the limit off). While the limit is on, their answers carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds until the window resets); past it they answer \`429\` with \`Retry-After\` as well.

## Signatures
Every response under \`/api/v1/licenses/*\` and \`/api/validate\`, errors included, carries \`Date\`, \`Digest: sha-256=<base64 SHA-256 of the exact body bytes>\` and \`License-Signature: keyid="...", algorithm="ed25519", signature="<base64>"\`. The signature is Ed25519 over these four lines joined by \`\\n\`:

\`\`\`
(request-target): post /api/v1/licenses/validate
host: licenses.example.com
date: Tue, 03 Mar 2026 10:15:00 GMT
digest: sha-256=<same base64 as the Digest header>
\`\`\`

The request target is the lower-case method and the path without its query; \`host\` is the request's Host header. Verify with the key of \`GET /api/v1/public-key\`, whose \`keyid\` matches. Reject a response whose signature fails, whose \`Date\` is more than 5 minutes off, or whose \`meta.nonce\` differs from the \`nonce\` you sent.

## Authentication
Client endpoints are authenticated by the license key itself. The admin API needs \`Authorization: Bearer <token>\`: the \`ADMIN_API_TOKEN\` value or a token created in the admin console. A missing or wrong token answers \`401\`.`;

// ---------------------------------------------------------------- examples

const KEY = "ZP-A3K2P-X9M4Q-R7T2W-B5N8Z";
const FINGERPRINT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const NONCE = "c2f1e0a9d8b7a6f5";
const LICENSE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const MACHINE_ID = "3b241101-e2bb-4255-8caf-4136c566a962";

const licenseExample = {
  id: LICENSE_ID,
  product: "zenpad",
  plan: "zenpad-pro",
  status: "ACTIVE",
  expiresAt: "2027-03-01T00:00:00.000Z",
  maxMachines: 3,
  activeMachines: 1,
  floating: false,
  entitlements: ["export-pdf", "sync"],
  offlineGraceDays: 7,
};

const machineExample = {
  id: MACHINE_ID,
  fingerprint: FINGERPRINT,
  name: "Ada's MacBook Pro",
  activatedAt: "2026-03-01T09:00:00.000Z",
  lastSeenAt: "2026-03-03T10:15:00.000Z",
  heartbeatDeadline: null,
};

const meta = { ts: "2026-03-03T10:15:00.000Z", nonce: NONCE };

const validExample = { valid: true, code: "VALID", detail: "The license is valid.", license: licenseExample, machine: machineExample, meta };

const adminLicenseExample = {
  id: LICENSE_ID,
  email: "ada@example.com",
  product: "zenpad",
  plan: "zenpad-pro",
  status: "ACTIVE",
  expiresAt: "2027-03-01T00:00:00.000Z",
  keyHint: "B5N8Z",
  maxMachines: 3,
  activeMachines: 1,
  createdAt: "2026-03-01T08:59:12.000Z",
};

const adminMachineExample = {
  id: MACHINE_ID,
  fingerprint: FINGERPRINT,
  name: "Ada's MacBook Pro",
  platform: "darwin-arm64",
  activatedAt: "2026-03-01T09:00:00.000Z",
  lastSeenAt: "2026-03-03T10:15:00.000Z",
  heartbeatDeadline: null,
  deactivatedAt: null,
};

// ---------------------------------------------------------------- building blocks

type Json = Record<string, unknown>;
type Examples = Record<string, { summary: string; value: unknown }>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string): Json => ({ $ref: `#/components/headers/${name}` });
const paramRef = (name: string): Json => ({ $ref: `#/components/parameters/${name}` });
const nullable = (schema: Json): Json => ({ oneOf: [schema, { type: "null" }] });
const dateTime = (description: string): Json => ({ type: "string", format: "date-time", description });
const nullableDateTime = (description: string): Json => ({ type: ["string", "null"], format: "date-time", description });

function json(schema: Json, examples?: Examples): Json {
  return { "application/json": examples ? { schema, examples } : { schema } };
}

function response(description: string, content?: Json, headers?: Json): Json {
  return { description, ...(headers ? { headers } : {}), ...(content ? { content } : {}) };
}

function body(schemaName: string, examples: Examples): Json {
  return { required: true, content: json(ref(schemaName), examples) };
}

const SIGNATURE_HEADERS = { Date: headerRef("Date"), Digest: headerRef("Digest"), "License-Signature": headerRef("License-Signature") };
const RATE_LIMIT_HEADERS = {
  "RateLimit-Limit": headerRef("RateLimit-Limit"),
  "RateLimit-Remaining": headerRef("RateLimit-Remaining"),
  "RateLimit-Reset": headerRef("RateLimit-Reset"),
};
/** What every answer of a signed client endpoint carries; the rate-limit ones only while the limit is on. */
const SIGNED_HEADERS = { ...SIGNATURE_HEADERS, ...RATE_LIMIT_HEADERS };

function errorExample(code: string, message: string, issues?: unknown[]): Examples {
  return { [code.toLowerCase()]: { summary: code, value: { error: { code, message, ...(issues ? { issues } : {}) } } } };
}

/** What an operation takes as input decides which 400/413 answers it can give. */
type Input = "body" | "query" | "none";

/**
 * The failures every JSON endpoint shares. The signed endpoints sign their errors too and send the
 * rate-limit headers with every answer (when the limit is on), so a client can slow down before a 429.
 */
function commonErrors(signed: boolean, input: Input = "body"): Json {
  const headers = signed ? SIGNED_HEADERS : undefined;
  const errors: Json = {};
  if (input === "body") {
    errors["400"] = response(
      "Malformed input: bad JSON, wrong types or missing required fields.",
      json(ref("Error"), errorExample("BAD_REQUEST", "Invalid request body", [{ path: "fingerprint", message: "Too big: expected string to have <=256 characters" }])),
      headers,
    );
    errors["413"] = response("The body is over 16 KiB.", json(ref("Error"), errorExample("PAYLOAD_TOO_LARGE", "Request body exceeds 16384 bytes")), headers);
  } else if (input === "query") {
    errors["400"] = response(
      "Malformed query parameters.",
      json(ref("Error"), errorExample("BAD_REQUEST", "Invalid query parameters", [{ path: "status", message: 'Invalid option: expected one of "ACTIVE"|"SUSPENDED"|"REVOKED"|"EXPIRED"' }])),
      headers,
    );
  }
  errors["503"] = response(
    "The database is unreachable; retry after `Retry-After` seconds.",
    json(ref("Error"), errorExample("UNAVAILABLE", "The database is unavailable; retry shortly")),
    { ...headers, "Retry-After": headerRef("Retry-After") },
  );
  if (signed) {
    errors["429"] = response(
      "Rate limited: too many requests a minute from this client IP or for this key.",
      json(ref("Error"), errorExample("RATE_LIMITED", "Too many requests")),
      { ...headers, "Retry-After": headerRef("Retry-After") },
    );
  }
  return errors;
}

const adminErrors = (input: Input = "body"): Json => ({
  ...commonErrors(false, input),
  "401": response(
    "The bearer token is missing or wrong.",
    json(ref("Error"), errorExample("UNAUTHORIZED", "A valid admin API token is required")),
    { "WWW-Authenticate": { description: '`Bearer realm="admin"`.', schema: { type: "string" } } },
  ),
});

const CACHE_5_MINUTES = { "Cache-Control": { description: "`public, max-age=300`.", schema: { type: "string" } } };

const ADMIN_SECURITY = [{ adminToken: [] }];

const validationExamples = (extra: Examples = {}): Examples => ({
  valid: { summary: "A valid license on an activated machine", value: validExample },
  ...extra,
});

function refusal(code: string, detail: string, license: unknown = licenseExample): Examples {
  return { [code.toLowerCase()]: { summary: code, value: { valid: false, code, detail, license, machine: null, meta } } };
}

const notFoundRefusal = (): Examples => refusal("NOT_FOUND", "The license key does not exist.", null);

// ---------------------------------------------------------------- schemas

const keyProperty = {
  type: "string",
  minLength: 1,
  maxLength: 128,
  description: "The license key as issued; matched case-insensitively, surrounding white space ignored.",
  examples: [KEY],
};
const fingerprintProperty = {
  type: "string",
  minLength: 1,
  maxLength: 256,
  pattern: "^[^\\u0000-\\u001F\\u007F]+$",
  description: "Identifies one machine: 1-256 characters without control characters (the SDK sends a SHA-256 hex).",
  examples: [FINGERPRINT],
};
const nonceProperty = {
  type: "string",
  maxLength: 64,
  description: "Echoed back in `meta.nonce` and so covered by the signature: a replayed response will not match.",
  examples: [NONCE],
};
const statusEnum = { type: "string", enum: ["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"] };
const labelProperty = (description: string): Json => ({ type: "string", maxLength: 256, description });
// Product and plan slugs as the admin API accepts them (lib/admin-api/schemas.ts).
const slugProperty = (description: string, example: string): Json => ({
  type: "string",
  pattern: "^[a-z0-9][a-z0-9-]{0,62}$",
  description: `${description} 1-63 characters of a-z, 0-9 and \`-\`, not starting with \`-\`.`,
  examples: [example],
});
const nameProperty = (example: string): Json => ({ type: "string", minLength: 1, maxLength: 200, examples: [example] });
const seatsProperty = (description: string): Json => ({ type: "integer", minimum: 1, maximum: 10_000, description });
const emailProperty = (description: string): Json => ({ type: "string", format: "email", maxLength: 254, description, examples: ["ada@example.com"] });

const schemas: Record<string, Json> = {
  License: {
    type: "object",
    description: "A license as the client endpoints show it.",
    required: ["id", "product", "plan", "status", "expiresAt", "maxMachines", "activeMachines", "floating", "entitlements", "offlineGraceDays"],
    properties: {
      id: { type: "string", format: "uuid" },
      product: { type: "string", description: "Product slug." },
      plan: { type: "string", description: "Plan slug." },
      status: { ...statusEnum, description: "`EXPIRED` once `expiresAt` has passed." },
      expiresAt: nullableDateTime("`null`: perpetual."),
      maxMachines: { type: "integer", minimum: 0, description: "Seats: machines that may be active at once." },
      activeMachines: { type: "integer", minimum: 0, description: "Machines holding a seat; a floating machine past its heartbeat deadline holds none." },
      floating: { type: "boolean", description: "Floating plans free a seat when a machine stops sending heartbeats." },
      entitlements: { type: "array", items: { type: "string" } },
      offlineGraceDays: { type: "integer", minimum: 0, description: "How long an offline license file stays valid; 0: no offline files." },
    },
    example: licenseExample,
  },
  Machine: {
    type: "object",
    required: ["id", "fingerprint", "name", "activatedAt", "lastSeenAt", "heartbeatDeadline"],
    properties: {
      id: { type: "string", format: "uuid" },
      fingerprint: { type: "string" },
      name: { type: ["string", "null"] },
      activatedAt: dateTime("When the machine first took, or last retook, a seat."),
      lastSeenAt: dateTime("The last activation, validation or heartbeat from it."),
      heartbeatDeadline: nullableDateTime("Floating plans only: past this the machine holds no seat."),
    },
    example: machineExample,
  },
  Meta: {
    type: "object",
    required: ["ts", "nonce"],
    properties: {
      ts: dateTime("Server time of the answer."),
      nonce: { type: ["string", "null"], description: "The request's `nonce`, or `null` when none was sent." },
    },
    example: meta,
  },
  ValidationCode: {
    type: "string",
    enum: [...VALIDATION_CODES],
    description:
      "Checked in this order: `NOT_FOUND`; `REVOKED`, then `SUSPENDED`; `EXPIRED`; `PRODUCT_MISMATCH` (when `product` was given); " +
      "with a `fingerprint` only: `HEARTBEAT_DEAD`, `NO_MACHINE`, `MACHINE_MISMATCH`; `ENTITLEMENTS_MISSING` (when `entitlements` were given); " +
      "then `VALID`. Activation adds `TOO_MANY_MACHINES` when all seats are taken.",
  },
  ValidationResponse: {
    type: "object",
    required: ["valid", "code", "detail", "license", "machine", "meta"],
    properties: {
      valid: { type: "boolean", description: "`true` exactly when `code` is `VALID`." },
      code: ref("ValidationCode"),
      detail: { type: "string", description: "A human-readable explanation of `code`." },
      license: nullable(ref("License")),
      machine: { ...nullable(ref("Machine")), description: "The machine named by `fingerprint`, when it belongs to this license." },
      meta: ref("Meta"),
    },
    example: validExample,
  },
  ValidateRequest: {
    type: "object",
    required: ["key"],
    properties: {
      key: keyProperty,
      fingerprint: { ...fingerprintProperty, description: "When given, the machine must be active on this license." },
      product: { type: "string", minLength: 1, maxLength: 128, description: "When given, the license must be for this product (slug).", examples: ["zenpad"] },
      entitlements: {
        type: "array",
        maxItems: 100,
        items: { type: "string", minLength: 1, maxLength: 128 },
        description: "When given, the license must grant all of them.",
        examples: [["sync"]],
      },
      nonce: nonceProperty,
    },
  },
  ActivateRequest: {
    type: "object",
    required: ["key", "fingerprint"],
    properties: {
      key: keyProperty,
      fingerprint: fingerprintProperty,
      name: labelProperty("A name people recognise the machine by."),
      platform: labelProperty("Shown to the vendor (admin API); not returned to clients."),
      hostname: labelProperty("Kept for the vendor; not returned to clients."),
      nonce: nonceProperty,
    },
  },
  MachineRequest: {
    type: "object",
    description: "Names one machine of one license.",
    required: ["key", "fingerprint"],
    properties: { key: keyProperty, fingerprint: fingerprintProperty },
  },
  NonceMachineRequest: {
    type: "object",
    description: "Names one machine of one license; `nonce` comes back in `meta.nonce` of validation bodies.",
    required: ["key", "fingerprint"],
    properties: { key: keyProperty, fingerprint: fingerprintProperty, nonce: nonceProperty },
  },
  DeactivateResponse: {
    type: "object",
    required: ["deactivated"],
    properties: { deactivated: { const: true } },
    example: { deactivated: true },
  },
  OfflineLicense: {
    type: "object",
    required: ["certificate", "expiresAt"],
    properties: {
      certificate: {
        type: "string",
        description:
          "`-----BEGIN LICENSE FILE-----`, the base64 (possibly wrapped in lines) of `{\"enc\", \"sig\", \"alg\": \"base64+ed25519\"}`, then " +
          "`-----END LICENSE FILE-----`. `enc` is the base64url payload JSON `{license, machine: {fingerprint}, issuedAt, expiresAt}`; " +
          "`sig` is the base64url Ed25519 signature of the ASCII bytes `license/` + `enc`.",
      },
      expiresAt: dateTime("Now + the plan's `offlineGraceDays`, never past the license's own expiry."),
    },
  },
  PublicKey: {
    type: "object",
    required: ["keyid", "algorithm", "publicKey"],
    properties: {
      keyid: { type: "string", description: "Equals the `keyid` of every `License-Signature` made with this key." },
      algorithm: { const: "ed25519" },
      publicKey: { type: "string", description: "PEM, SPKI." },
    },
  },
  SeedValidateRequest: {
    type: "object",
    required: ["key", "machine_id"],
    properties: {
      key: keyProperty,
      machine_id: { ...fingerprintProperty, description: "A machine not yet active on the license takes a free seat on its first validation." },
    },
  },
  SeedValidateResponse: {
    type: "object",
    required: ["valid"],
    properties: {
      valid: { type: "boolean" },
      reason: { type: "string", enum: ["Invalid key", "Machine mismatch", "Expired", "Suspended", "Revoked"], description: "Present when `valid` is `false`." },
    },
  },
  Health: {
    type: "object",
    required: ["ok", "db"],
    properties: { ok: { type: "boolean" }, db: { type: "string", enum: ["up", "down"] } },
  },
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code"],
        properties: {
          code: {
            type: "string",
            enum: ["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_ALLOWED", "CONFLICT", "PAYLOAD_TOO_LARGE", "RATE_LIMITED", "UNAVAILABLE", "INTERNAL"],
            description: "Machine-readable; branch on this, not on `message`.",
          },
          message: { type: "string", description: "For people; do not parse it." },
          issues: { type: "array", items: ref("Issue"), description: "What was wrong with the input (`BAD_REQUEST`)." },
        },
      },
    },
  },
  Issue: {
    type: "object",
    required: ["path", "message"],
    properties: {
      path: { type: "string", description: "Where in the input, dot-separated, e.g. `entitlements.0`; empty for the body as a whole." },
      message: { type: "string" },
    },
  },
  CreateProductRequest: {
    type: "object",
    required: ["slug", "name"],
    properties: { slug: slugProperty("Unique.", "zenpad"), name: nameProperty("ZenPad") },
  },
  Product: {
    type: "object",
    required: ["id", "slug", "name"],
    properties: { id: { type: "string", format: "uuid" }, slug: { type: "string" }, name: { type: "string" } },
  },
  CreatePlanRequest: {
    type: "object",
    required: ["product", "slug", "name", "maxMachines", "durationDays", "entitlements"],
    properties: {
      product: slugProperty("An existing product; an unknown one answers 400.", "zenpad"),
      slug: slugProperty("Unique across all products.", "zenpad-pro"),
      name: nameProperty("Pro"),
      maxMachines: seatsProperty("Machines that may be active at once."),
      durationDays: { type: ["integer", "null"], minimum: 1, maximum: 36_500, description: "Sets `expiresAt` to issue time + this many days; `null`: perpetual." },
      entitlements: {
        type: "array",
        maxItems: 100,
        items: { type: "string", minLength: 1, maxLength: 64, pattern: "^[a-zA-Z0-9_.:-]+$" },
        description: "Feature names the license grants; duplicates are dropped.",
      },
      floating: { type: "boolean", default: false },
      heartbeatSeconds: {
        type: "integer",
        minimum: 10,
        maximum: 31_536_000,
        default: 600,
        description: "Floating plans: how long a machine keeps its seat without a heartbeat.",
      },
      offlineGraceDays: { type: "integer", minimum: 0, maximum: 365, default: 7, description: "0: no offline license files." },
      stripePriceId: { type: ["string", "null"], maxLength: 255, description: "The Stripe price that sells this plan; unique (a duplicate answers 409)." },
    },
  },
  Plan: {
    type: "object",
    required: ["id", "product", "slug", "name"],
    properties: {
      id: { type: "string", format: "uuid" },
      product: { type: "string", description: "Product slug." },
      slug: { type: "string" },
      name: { type: "string" },
      maxMachines: { type: "integer" },
      durationDays: { type: ["integer", "null"] },
      entitlements: { type: "array", items: { type: "string" } },
      floating: { type: "boolean" },
      heartbeatSeconds: { type: "integer" },
      offlineGraceDays: { type: "integer" },
      stripePriceId: { type: ["string", "null"] },
    },
  },
  CreateLicenseRequest: {
    type: "object",
    required: ["plan", "email"],
    properties: {
      plan: slugProperty("An existing plan; an unknown one answers 400.", "zenpad-pro"),
      email: emailProperty("The customer who owns the license; an account is created for a new address."),
      expiresAt: nullableDateTime("With a zone (`Z` or `±hh:mm`). Absent: the plan's `durationDays` decides; `null`: perpetual."),
      maxMachines: { ...seatsProperty("Overrides the plan's seats for this license; absent or `null`: the plan's."), type: ["integer", "null"] },
    },
  },
  CreatedLicense: {
    type: "object",
    required: ["id", "key", "license"],
    properties: {
      id: { type: "string", format: "uuid" },
      key: { type: "string", description: "The full key: shown here once; lists only show `keyHint`." },
      license: ref("License"),
    },
  },
  AdminLicense: {
    type: "object",
    description: "A license in admin lists: never the full key.",
    required: ["id", "email", "product", "plan", "status", "expiresAt", "keyHint", "maxMachines", "activeMachines", "createdAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      email: { type: "string", format: "email", description: "The owner's email, lower-case." },
      product: { type: "string" },
      plan: { type: "string" },
      status: statusEnum,
      expiresAt: nullableDateTime("`null`: perpetual."),
      keyHint: { type: "string", description: "The key's last group, to tell licenses apart." },
      maxMachines: { type: "integer" },
      activeMachines: { type: "integer" },
      createdAt: dateTime("When the license was issued."),
    },
    example: adminLicenseExample,
  },
  AdminLicenseList: {
    type: "object",
    required: ["data", "total"],
    properties: {
      data: { type: "array", items: ref("AdminLicense"), description: "Newest first, at most `limit` of them." },
      total: { type: "integer", minimum: 0, description: "How many licenses match, across all pages." },
    },
  },
  AdminMachine: {
    type: "object",
    required: ["id", "fingerprint", "name", "platform", "activatedAt", "lastSeenAt", "heartbeatDeadline", "deactivatedAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      fingerprint: { type: "string" },
      name: { type: ["string", "null"] },
      platform: { type: ["string", "null"] },
      activatedAt: dateTime("When the machine first took, or last retook, a seat."),
      lastSeenAt: dateTime("The last request from it."),
      heartbeatDeadline: nullableDateTime("Floating plans only."),
      deactivatedAt: nullableDateTime("Set when the machine was deactivated; `null` while it is active."),
    },
  },
  AdminLicenseDetail: {
    type: "object",
    required: ["license", "machines"],
    properties: {
      license: ref("AdminLicense"),
      machines: { type: "array", items: ref("AdminMachine"), description: "Deactivated machines included." },
    },
  },
  UpdateLicenseRequest: {
    type: "object",
    description: "Only the fields given change.",
    properties: {
      status: { type: "string", enum: ["ACTIVE", "SUSPENDED", "REVOKED"], description: "`EXPIRED` is not set by hand: it follows from `expiresAt`." },
      expiresAt: nullableDateTime("With a zone (`Z` or `±hh:mm`); `null`: perpetual."),
      maxMachines: { ...seatsProperty("The license's own seats; `null` clears the override so the plan's apply."), type: ["integer", "null"] },
      plan: slugProperty("Move the license to another plan; an unknown one answers 400.", "zenpad-team"),
    },
  },
  AdminDeactivatedMachine: {
    type: "object",
    required: ["deactivated", "machine"],
    properties: { deactivated: { const: true }, machine: ref("AdminMachine") },
  },
};

const headers: Record<string, Json> = {
  Date: { description: "Response time (RFC 7231); covered by the signature. Reject answers more than 5 minutes off.", schema: { type: "string" }, example: "Tue, 03 Mar 2026 10:15:00 GMT" },
  Digest: {
    description: "`sha-256=` + the base64 SHA-256 of the exact response body bytes.",
    schema: { type: "string", pattern: "^sha-256=[A-Za-z0-9+/]{43}=$" },
    example: "sha-256=ja8Jpvwxk3RX3XfpwlzkshNJ1gW1YajF1VeEG/lkyaA=",
  },
  "License-Signature": {
    description: "Ed25519 over `(request-target)`, `host`, `date` and `digest` lines joined by `\\n`; `keyid` is that of `GET /api/v1/public-key`.",
    schema: { type: "string" },
    example: 'keyid="08d4f264426a3c0e", algorithm="ed25519", signature="kaQfPYRuqdoQ9UuCupVsvCerqt2OscmmUUIzkPCEVdo6s78+aR25MFkTlPYsr/iJn1c9pU60GC6RXwgFju5hDw=="',
  },
  "RateLimit-Limit": { description: "Requests allowed per window.", schema: { type: "integer", minimum: 0 }, example: 120 },
  "RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer", minimum: 0 }, example: 0 },
  "RateLimit-Reset": { description: "Seconds until the window resets.", schema: { type: "integer", minimum: 0 }, example: 17 },
  "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 }, example: 17 },
  "Idempotent-Replayed": {
    description: "`true` when the answer is that of an earlier request with the same `Idempotency-Key`: no new license was issued.",
    schema: { const: "true" },
    example: "true",
  },
};

const parameters: Record<string, Json> = {
  LicenseId: { name: "id", in: "path", required: true, description: "License id.", schema: { type: "string", format: "uuid" }, example: LICENSE_ID },
  MachineId: { name: "machineId", in: "path", required: true, description: "Machine id.", schema: { type: "string", format: "uuid" }, example: MACHINE_ID },
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    description:
      "Optional, 1–255 visible ASCII characters (an order id, a job run id). A retry with the same key and body answers `201` with the license the first request issued (same id and key) instead of issuing another; the same key with another body answers `409`. Keys are per caller (token) and remembered for 24 hours.",
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
    example: "order-1001",
  },
  EmailFilter: { name: "email", in: "query", description: "Only licenses of this customer (case-insensitive).", schema: { type: "string", format: "email" }, example: "ada@example.com" },
  StatusFilter: {
    name: "status",
    in: "query",
    description: "Only licenses in this status; `EXPIRED` includes active licenses past their expiry.",
    schema: statusEnum,
    example: "ACTIVE",
  },
  PlanFilter: { name: "plan", in: "query", description: "Only licenses of this plan (slug).", schema: { type: "string" }, example: "zenpad-pro" },
  Limit: { name: "limit", in: "query", description: "Page size.", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 }, example: 100 },
  Offset: { name: "offset", in: "query", description: "Licenses to skip, for the next page.", schema: { type: "integer", minimum: 0, default: 0 }, example: 0 },
};

// ---------------------------------------------------------------- paths

function clientPaths(): Json {
  const signed = commonErrors(true);
  const validation = (description: string, examples: Examples) => response(description, json(ref("ValidationResponse"), examples), SIGNED_HEADERS);

  return {
    "/api/v1/licenses/validate": {
      post: {
        operationId: "validateLicense",
        tags: ["License"],
        summary: "Validate a license",
        description:
          "Checks a key, and optionally that a machine is activated on it, that it is for a product and that it grants entitlements. " +
          "Every well-formed request answers `200`: read `valid` and `code`, not the HTTP status.",
        requestBody: body("ValidateRequest", {
          machine: { summary: "Key, machine and entitlements", value: { key: KEY, fingerprint: FINGERPRINT, product: "zenpad", entitlements: ["sync"], nonce: NONCE } },
          keyOnly: { summary: "Key only", value: { key: KEY } },
        }),
        responses: {
          "200": validation(
            "The decision, valid or not.",
            validationExamples({
              ...refusal("MACHINE_MISMATCH", "The machine is not activated for this license."),
              ...notFoundRefusal(),
            }),
          ),
          ...signed,
        },
      },
    },
    "/api/v1/licenses/activate": {
      post: {
        operationId: "activateMachine",
        tags: ["License"],
        summary: "Activate a machine",
        description:
          "Takes a seat for a fingerprint. Idempotent: a fingerprint that is already active answers `200` without taking another seat. " +
          "Seats are never exceeded, however many activations race. A floating machine past its heartbeat deadline is revived when a seat is free.",
        requestBody: body("ActivateRequest", {
          activate: { summary: "Activate this machine", value: { key: KEY, fingerprint: FINGERPRINT, name: "Ada's MacBook Pro", platform: "darwin-arm64", hostname: "ada-mbp", nonce: NONCE } },
        }),
        responses: {
          "200": validation("The fingerprint was already active on this license.", validationExamples()),
          "201": validation("A seat was taken for this machine.", validationExamples()),
          "403": validation(
            "Refused (`REVOKED`, `SUSPENDED`, `EXPIRED`, `TOO_MANY_MACHINES`, ...), `valid: false`.",
            refusal("TOO_MANY_MACHINES", "All 3 machine seats are in use.", { ...licenseExample, activeMachines: 3 }),
          ),
          "404": validation("`NOT_FOUND`: no such key.", notFoundRefusal()),
          ...signed,
        },
      },
    },
    "/api/v1/licenses/deactivate": {
      post: {
        operationId: "deactivateMachine",
        tags: ["License"],
        summary: "Deactivate a machine",
        description: "Frees the seat the fingerprint holds on this license.",
        requestBody: body("MachineRequest", { deactivate: { summary: "Free this machine's seat", value: { key: KEY, fingerprint: FINGERPRINT } } }),
        responses: {
          "200": response("The machine no longer holds a seat.", json(ref("DeactivateResponse"), { deactivated: { summary: "Deactivated", value: { deactivated: true } } }), SIGNED_HEADERS),
          "404": response(
            "The key does not exist, or the fingerprint is not an active machine of it.",
            json(ref("Error"), errorExample("NOT_FOUND", "No active machine with this fingerprint on this license")),
            SIGNED_HEADERS,
          ),
          ...signed,
        },
      },
    },
    "/api/v1/licenses/heartbeat": {
      post: {
        operationId: "sendHeartbeat",
        tags: ["License"],
        summary: "Send a heartbeat",
        description:
          "Validates the machine like `validate` with a fingerprint and, when valid, extends `machine.heartbeatDeadline` on floating plans " +
          "(by the plan's `heartbeatSeconds`). Every well-formed request answers `200`.",
        requestBody: body("NonceMachineRequest", { heartbeat: { summary: "Keep this machine's seat", value: { key: KEY, fingerprint: FINGERPRINT, nonce: NONCE } } }),
        responses: {
          "200": validation(
            "The decision; on a valid floating license the new deadline is in `machine.heartbeatDeadline`.",
            {
              floating: {
                summary: "A floating seat kept for another 10 minutes",
                value: {
                  ...validExample,
                  license: { ...licenseExample, plan: "zenpad-team", floating: true, maxMachines: 10 },
                  machine: { ...machineExample, heartbeatDeadline: "2026-03-03T10:25:00.000Z" },
                },
              },
              ...refusal("HEARTBEAT_DEAD", "The machine missed its heartbeat deadline; activate it again.", { ...licenseExample, plan: "zenpad-team", floating: true, maxMachines: 10 }),
            },
          ),
          ...signed,
        },
      },
    },
    "/api/v1/licenses/offline": {
      post: {
        operationId: "issueOfflineLicense",
        tags: ["License"],
        summary: "Issue an offline license file",
        description:
          "For an active machine, a license file signed with the server's Ed25519 key that the application verifies without reaching the server. " +
          "It is valid until now + the plan's `offlineGraceDays`, never past the license's own expiry.",
        requestBody: body("NonceMachineRequest", { offline: { summary: "A license file for this machine", value: { key: KEY, fingerprint: FINGERPRINT, nonce: NONCE } } }),
        responses: {
          "200": response(
            "The signed license file.",
            json(ref("OfflineLicense"), {
              certificate: {
                summary: "A license file valid for 7 days (certificate abridged)",
                value: {
                  certificate: "-----BEGIN LICENSE FILE-----\neyJlbmMiOiJleUpzYVdObGJuTmxJanA3SW1sa0lqb2lOMk01WlRZMk56a3ROelF5\nNS00MGRlLi4uIiwic2lnIjoiLi4uIiwiYWxnIjoiYmFzZTY0K2VkMjU1MTkifQ==\n-----END LICENSE FILE-----\n",
                  expiresAt: "2026-03-10T10:15:00.000Z",
                },
              },
            }),
            SIGNED_HEADERS,
          ),
          "403": response(
            "Refused: the validation body (`valid: false`, e.g. `MACHINE_MISMATCH` or `EXPIRED`), or a `FORBIDDEN` error when the plan's `offlineGraceDays` is 0.",
            json({ oneOf: [ref("ValidationResponse"), ref("Error")] }, {
              ...refusal("MACHINE_MISMATCH", "The machine is not activated for this license."),
              ...errorExample("FORBIDDEN", "This plan does not allow offline licenses"),
            }),
            SIGNED_HEADERS,
          ),
          "404": validation("`NOT_FOUND`: no such key.", notFoundRefusal()),
          ...signed,
        },
      },
    },
    "/api/v1/public-key": {
      get: {
        operationId: "getPublicKey",
        tags: ["License"],
        summary: "Get the signing public key",
        description: "The Ed25519 key that verifies `License-Signature` headers and offline license files. Ship it with your application, or pin its `keyid`.",
        responses: {
          "200": response(
            "The public key.",
            json(ref("PublicKey"), {
              key: {
                summary: "The current key",
                value: {
                  keyid: "08d4f264426a3c0e",
                  algorithm: "ed25519",
                  publicKey: "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAXMWBPdJbxN+Z2mhoE5nwWZqJFpyJoITdTUVAYuKKXSo=\n-----END PUBLIC KEY-----\n",
                },
              },
            }),
            CACHE_5_MINUTES,
          ),
        },
      },
    },
    "/api/validate": {
      post: {
        operationId: "validateSeedCompatible",
        tags: ["License"],
        summary: "Validate (seed-compatible)",
        description:
          "The original endpoint, kept for applications built against it. A `machine_id` not yet active on the license takes a free seat on " +
          "its first validation; when no seat is free it gets `Machine mismatch`. Responses are signed like the `/api/v1/licenses/*` ones.",
        requestBody: body("SeedValidateRequest", { validate: { summary: "Key and machine", value: { key: KEY, machine_id: FINGERPRINT } } }),
        responses: {
          "200": response("Valid.", json(ref("SeedValidateResponse"), { valid: { summary: "Valid", value: { valid: true } } }), SIGNED_HEADERS),
          "403": response(
            "Not valid; `reason` says why.",
            json(ref("SeedValidateResponse"), {
              mismatch: { summary: "Another machine holds the seat", value: { valid: false, reason: "Machine mismatch" } },
              invalid: { summary: "No such key", value: { valid: false, reason: "Invalid key" } },
            }),
            SIGNED_HEADERS,
          ),
          ...signed,
        },
      },
    },
  };
}

function adminPaths(): Json {
  const admin = { tags: ["Admin"], security: ADMIN_SECURITY };
  const licenseNotFound = response("No such license.", json(ref("Error"), errorExample("NOT_FOUND", "The license does not exist")));
  const adminLicenseDetail = { license: adminLicenseExample, machines: [adminMachineExample] };

  return {
    "/api/v1/admin/products": {
      post: {
        ...admin,
        operationId: "createProduct",
        summary: "Create a product",
        description: "Adds a product to the catalogue. Recorded in the audit log.",
        requestBody: body("CreateProductRequest", { product: { summary: "A new product", value: { slug: "zenpad", name: "ZenPad" } } }),
        responses: {
          "201": response("Created.", json(ref("Product"), { product: { summary: "The product", value: { id: "0f8fad5b-d9cb-469f-a165-70867728950e", slug: "zenpad", name: "ZenPad" } } })),
          "409": response("The slug is already in use.", json(ref("Error"), errorExample("CONFLICT", 'The product slug "zenpad" is already in use'))),
          ...adminErrors(),
        },
      },
    },
    "/api/v1/admin/plans": {
      post: {
        ...admin,
        operationId: "createPlan",
        summary: "Create a plan",
        description: "Adds a plan to a product. Plan slugs are unique across all products. Recorded in the audit log.",
        requestBody: body("CreatePlanRequest", {
          plan: {
            summary: "A yearly plan for three machines",
            value: { product: "zenpad", slug: "zenpad-pro", name: "Pro", maxMachines: 3, durationDays: 365, entitlements: ["export-pdf", "sync"], offlineGraceDays: 7, stripePriceId: "price_1QxYzA2eZvKYlo2C" },
          },
          floating: {
            summary: "A perpetual floating plan",
            value: { product: "zenpad", slug: "zenpad-team", name: "Team", maxMachines: 10, durationDays: null, entitlements: ["sync"], floating: true, heartbeatSeconds: 600 },
          },
        }),
        responses: {
          "201": response(
            "Created.",
            json(ref("Plan"), {
              plan: {
                summary: "The plan",
                value: {
                  id: "6ecd8c99-4036-403d-bf84-cf8400f67836",
                  product: "zenpad",
                  slug: "zenpad-pro",
                  name: "Pro",
                  maxMachines: 3,
                  durationDays: 365,
                  entitlements: ["export-pdf", "sync"],
                  floating: false,
                  heartbeatSeconds: 600,
                  offlineGraceDays: 7,
                  stripePriceId: "price_1QxYzA2eZvKYlo2C",
                },
              },
            }),
          ),
          "409": response("The plan slug or the Stripe price is already in use.", json(ref("Error"), errorExample("CONFLICT", 'The plan slug "zenpad-pro" is already in use'))),
          ...adminErrors(),
        },
      },
    },
    "/api/v1/admin/licenses": {
      post: {
        ...admin,
        operationId: "createLicense",
        summary: "Issue a license",
        description:
          "Mints a license on a plan for a customer, creating the customer's account when needed. The full key is returned only here. Recorded in the audit log. Send an `Idempotency-Key` so that a retry cannot issue a second license.",
        parameters: [paramRef("IdempotencyKey")],
        requestBody: body("CreateLicenseRequest", {
          license: { summary: "A license on the Pro plan", value: { plan: "zenpad-pro", email: "ada@example.com" } },
          custom: { summary: "With its own expiry and seats", value: { plan: "zenpad-pro", email: "ada@example.com", expiresAt: "2027-03-01T00:00:00.000Z", maxMachines: 5 } },
        }),
        responses: {
          "201": response(
            "Issued.",
            json(ref("CreatedLicense"), { license: { summary: "The new license", value: { id: LICENSE_ID, key: KEY, license: { ...licenseExample, activeMachines: 0 } } } }),
            { "Idempotent-Replayed": headerRef("Idempotent-Replayed") },
          ),
          "409": response(
            "The `Idempotency-Key` was already used with another request body.",
            json(ref("Error"), errorExample("CONFLICT", "This Idempotency-Key was already used for a different request")),
          ),
          ...adminErrors(),
        },
      },
      get: {
        ...admin,
        operationId: "listLicenses",
        summary: "List licenses",
        description: "Licenses matching every filter given. Lists never contain full keys, only `keyHint`.",
        parameters: [paramRef("EmailFilter"), paramRef("StatusFilter"), paramRef("PlanFilter"), paramRef("Limit"), paramRef("Offset")],
        responses: {
          "200": response("The matching licenses.", json(ref("AdminLicenseList"), { list: { summary: "One match", value: { data: [adminLicenseExample], total: 1 } } })),
          ...adminErrors("query"),
        },
      },
    },
    "/api/v1/admin/licenses/{id}": {
      parameters: [paramRef("LicenseId")],
      get: {
        ...admin,
        operationId: "getLicense",
        summary: "Get a license",
        description: "One license with all its machines, deactivated ones included. An id that is not a UUID answers `404`.",
        responses: {
          "200": response("The license and its machines.", json(ref("AdminLicenseDetail"), { license: { summary: "A license with one machine", value: adminLicenseDetail } })),
          "404": licenseNotFound,
          ...adminErrors("none"),
        },
      },
      patch: {
        ...admin,
        operationId: "updateLicense",
        summary: "Update a license",
        description:
          "Suspends, revokes or reinstates a license, changes its expiry or seats, or moves it to another plan. Only the fields given change; " +
          "a body with none of them answers `400`, and repeating a change is a no-op. Changes are recorded in the audit log.",
        requestBody: body("UpdateLicenseRequest", {
          suspend: { summary: "Suspend", value: { status: "SUSPENDED" } },
          extend: { summary: "Extend and add seats", value: { expiresAt: "2028-03-01T00:00:00.000Z", maxMachines: 5 } },
        }),
        responses: {
          "200": response(
            "The license after the change, with its machines (as `GET`).",
            json(ref("AdminLicenseDetail"), {
              license: { summary: "The suspended license", value: { ...adminLicenseDetail, license: { ...adminLicenseExample, status: "SUSPENDED" } } },
            }),
          ),
          "404": licenseNotFound,
          ...adminErrors(),
        },
      },
    },
    "/api/v1/admin/licenses/{id}/machines/{machineId}": {
      parameters: [paramRef("LicenseId"), paramRef("MachineId")],
      delete: {
        ...admin,
        operationId: "deactivateLicenseMachine",
        summary: "Deactivate a machine",
        description: "Frees the seat a machine holds; its row stays, with `deactivatedAt` set. Recorded in the audit log.",
        responses: {
          "200": response(
            "Deactivated.",
            json(ref("AdminDeactivatedMachine"), {
              deactivated: { summary: "Deactivated", value: { deactivated: true, machine: { ...adminMachineExample, deactivatedAt: "2026-03-04T16:20:00.000Z" } } },
            }),
          ),
          "404": response(
            "No such license, or no active machine with this id on it.",
            json(ref("Error"), errorExample("NOT_FOUND", "The machine does not exist or is already deactivated")),
          ),
          ...adminErrors("none"),
        },
      },
    },
  };
}

function systemPaths(): Json {
  return {
    "/api/v1/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        tags: ["System"],
        summary: "Get this API description",
        description: "This OpenAPI 3.1 document. Cacheable for 5 minutes.",
        responses: {
          "200": response(
            "The OpenAPI document.",
            json({ type: "object" }, { document: { summary: "Abridged", value: { openapi: "3.1.0", info: { title: "License Portal API", version: "1.0.0" }, paths: {} } } }),
            CACHE_5_MINUTES,
          ),
        },
      },
    },
    "/api/health": {
      get: {
        operationId: "getHealth",
        tags: ["System"],
        summary: "Check health",
        description: "Whether the server can reach its database; for load balancers and uptime checks.",
        responses: {
          "200": response("Up.", json(ref("Health"), { up: { summary: "Healthy", value: { ok: true, db: "up" } } })),
          "503": response("The database is unreachable.", json(ref("Health"), { down: { summary: "Database down", value: { ok: false, db: "down" } } })),
        },
      },
    },
  };
}

/** The whole document; `serverUrl` (usually `APP_URL`) fills `servers` so tools can send requests. */
export function openApiDocument(serverUrl?: string): object {
  return {
    openapi: "3.1.0",
    info: { title: "License Portal API", version: "1.0.0", description: API_DESCRIPTION },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: TAGS.map((tag) => ({ ...tag })),
    paths: { ...clientPaths(), ...adminPaths(), ...systemPaths() },
    components: {
      schemas,
      headers,
      parameters,
      securitySchemes: {
        adminToken: {
          type: "http",
          scheme: "bearer",
          description: "The `ADMIN_API_TOKEN` value or a token created in the admin console.",
        },
      },
    },
  };
}

// ---------------------------------------------------------------- reading the document back (for /docs/api)

export type OperationDoc = {
  method: string;
  path: string;
  summary: string;
  description: string;
  tag: string;
  requestExample?: unknown;
  responseExample?: unknown;
  /** Unique; doubles as the HTML anchor of the operation. */
  operationId: string;
  /** The status of `responseExample`. */
  responseExampleStatus?: string;
  requiresAuth: boolean;
  parameters: { name: string; in: string; required: boolean; description: string }[];
  responses: { status: string; description: string }[];
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Follows a local `$ref` ("#/components/...") so callers see the referenced object. */
function resolve(doc: Record<string, unknown>, value: unknown): unknown {
  if (!isRecord(value) || typeof value.$ref !== "string") return value;
  let target: unknown = doc;
  for (const part of value.$ref.replace(/^#\//, "").split("/")) target = isRecord(target) ? target[part] : undefined;
  return target;
}

/** The `example`, else the first of `examples`, of a media type's JSON content. */
function firstExample(content: unknown): unknown {
  const media = isRecord(content) ? content["application/json"] : undefined;
  if (!isRecord(media)) return undefined;
  if ("example" in media) return media.example;
  const first = isRecord(media.examples) ? Object.values(media.examples)[0] : undefined;
  return isRecord(first) ? first.value : undefined;
}

export function apiInfo(doc: object = openApiDocument()): { title: string; version: string; description: string } {
  const info = (doc as { info?: unknown }).info;
  return isRecord(info) ? { title: str(info.title), version: str(info.version), description: str(info.description) } : { title: "", version: "", description: "" };
}

export function tagList(doc: object = openApiDocument()): { name: string; description: string }[] {
  const tags = (doc as { tags?: unknown }).tags;
  return Array.isArray(tags) ? tags.filter(isRecord).map((t) => ({ name: str(t.name), description: str(t.description) })) : [];
}

/** Every operation in document order, flattened for the reference page. */
export function operations(doc: object = openApiDocument()): OperationDoc[] {
  const root = doc as Record<string, unknown>;
  const paths = isRecord(root.paths) ? root.paths : {};
  const topLevelSecurity = Array.isArray(root.security) && root.security.length > 0;
  const result: OperationDoc[] = [];

  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    const sharedParameters = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isRecord(op)) continue;

      const responses = isRecord(op.responses) ? Object.entries(op.responses) : [];
      const success = responses.find(([status]) => status.startsWith("2"));
      const parameters = [...sharedParameters, ...(Array.isArray(op.parameters) ? op.parameters : [])]
        .map((p) => resolve(root, p))
        .filter(isRecord)
        .map((p) => ({ name: str(p.name), in: str(p.in), required: p.required === true, description: str(p.description) }));
      const security = Array.isArray(op.security) ? op.security : undefined;
      const requestBody = resolve(root, op.requestBody);
      const successResponse = success ? resolve(root, success[1]) : undefined;

      result.push({
        method: method.toUpperCase(),
        path,
        operationId: str(op.operationId),
        summary: str(op.summary),
        description: str(op.description),
        tag: Array.isArray(op.tags) ? str(op.tags[0]) : "",
        requestExample: isRecord(requestBody) ? firstExample(requestBody.content) : undefined,
        responseExample: isRecord(successResponse) ? firstExample(successResponse.content) : undefined,
        responseExampleStatus: success?.[0],
        requiresAuth: security ? security.length > 0 : topLevelSecurity,
        parameters,
        responses: responses
          .map(([status, r]) => {
            const resolved = resolve(root, r);
            return { status, description: isRecord(resolved) ? str(resolved.description) : "" };
          })
          .sort((a, b) => a.status.localeCompare(b.status)),
      });
    }
  }
  return result;
}
