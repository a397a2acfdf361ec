// The client endpoints in the OpenAPI document: request bodies are the very schemas router.ts parses with,
// response bodies are described here in zod and tied to the types the handlers return (sameType below).
import { z } from "zod";
import { CACHE_5_MINUTES, PUBLIC, SIGNED_HEADERS, commonErrors, errorExample, errorSchema, instantOut, sameType } from "../../api-docs/common";
import { defineOperations, type Example, type ResponseSpec } from "../../api-docs/registry";
import type { LicenseBody, MachineBody, ValidationCode } from "../decision";
import type { validationBody } from "./responses";
import * as requests from "./schemas";

/** API.md "Seats after a change", for vendors: what a change of seats, plan or floating mode does to machines. */
export const SEATS_RULE =
  "Seats after a change: when a license's seats, plan or floating mode change, no more machines hold a seat than it has seats. " +
  "Machines keep their seats in activation order (oldest first); the others are not deleted but validate as `TOO_MANY_MACHINES` " +
  "(checked right after `MACHINE_MISMATCH`) until a seat frees, and `activeMachines` counts only the machines that hold a seat. " +
  "A license moved to a floating plan gives its machines a heartbeat deadline from the moment of the move (they must heartbeat to keep their seat); " +
  "one moved off a floating plan keeps machines whose deadline had passed inactive (activating them again takes a free seat).";

/**
 * In the order `decide` checks them (lib/licensing/decision.ts). TOO_MANY_MACHINES is validation's answer for an
 * active machine past the license's seats (SEATS_RULE), and activation's when all seats are taken.
 * TRIAL_ALREADY_USED is activation's only: a machine that held a trial license of the product refused a seat
 * of another trial license of it.
 */
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
  "TOO_MANY_MACHINES",
  "ENTITLEMENTS_MISSING",
  "TRIAL_ALREADY_USED",
] as const satisfies readonly ValidationCode[];

// ---------------------------------------------------------------- response schemas

export const licenseStatusSchema = z.enum(["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"]);

export const licenseSchema = z
  .object({
    id: z.guid(),
    product: z.string().meta({ description: "Product slug." }),
    plan: z.string().meta({ description: "Plan slug." }),
    status: licenseStatusSchema.meta({ description: "`EXPIRED` once `expiresAt` has passed." }),
    expiresAt: instantOut().nullable().meta({ description: "`null`: perpetual." }),
    maxMachines: z.int().min(0).meta({ description: "Seats: machines that may be active at once." }),
    activeMachines: z.int().min(0).meta({
      description:
        "Machines holding a seat, never more than `maxMachines`: a floating machine past its heartbeat deadline holds none, and after the seats or plan changed the newest machines past the seats hold none.",
    }),
    floating: z.boolean().meta({ description: "Floating plans free a seat when a machine stops sending heartbeats." }),
    entitlements: z.array(z.string()),
    offlineGraceDays: z.int().min(0).meta({ description: "How long an offline license file stays valid; 0: no offline files." }),
  })
  .meta({ id: "License", description: "A license as the client endpoints show it." });
sameType<z.output<typeof licenseSchema>, LicenseBody>();

export const machineSchema = z
  .object({
    id: z.guid(),
    fingerprint: z.string(),
    name: z.string().nullable(),
    activatedAt: instantOut().meta({ description: "When the machine first took, or last retook, a seat." }),
    lastSeenAt: instantOut().meta({ description: "Its latest request, which is this one: the request's time (never before activatedAt)." }),
    heartbeatDeadline: instantOut().nullable().meta({ description: "Floating plans only: past this the machine holds no seat." }),
  })
  .meta({ id: "Machine" });
sameType<z.output<typeof machineSchema>, MachineBody>();

export const metaSchema = z
  .object({
    ts: instantOut().meta({ description: "Server time of the answer." }),
    nonce: z.string().nullable().meta({ description: "The request's `nonce`, or `null` when none was sent." }),
  })
  .meta({ id: "Meta" });

const validationCodeSchema = z.enum(VALIDATION_CODES).meta({
  id: "ValidationCode",
  description:
    "Checked in this order: `NOT_FOUND`; `REVOKED`, then `SUSPENDED`; `EXPIRED`; `PRODUCT_MISMATCH` (when `product` was given); " +
    "with a `fingerprint` only: `HEARTBEAT_DEAD`, `NO_MACHINE`, `MACHINE_MISMATCH`, `TOO_MANY_MACHINES` (an active machine past the license's seats); " +
    "`ENTITLEMENTS_MISSING` (when `entitlements` were given); then `VALID`. Activation answers `TOO_MANY_MACHINES` when all seats are taken, " +
    "and `TRIAL_ALREADY_USED` when the license is a free trial and this machine held a trial license of the same product before " +
    "(one trial per machine and product; buying a license lifts it). " +
    SEATS_RULE,
});

export const validationResponseSchema = z
  .object({
    valid: z.boolean().meta({ description: "`true` exactly when `code` is `VALID`." }),
    code: validationCodeSchema,
    detail: z.string().meta({ description: "A human-readable explanation of `code`." }),
    license: licenseSchema.nullable(),
    machine: machineSchema.nullable().meta({ description: "The machine named by `fingerprint`, when it belongs to this license." }),
    meta: metaSchema,
  })
  .meta({ id: "ValidationResponse" });
sameType<z.output<typeof validationResponseSchema>, ReturnType<typeof validationBody>>();

const deactivateResponseSchema = z.object({ deactivated: z.literal(true) }).meta({ id: "DeactivateResponse" });

const offlineLicenseSchema = z
  .object({
    certificate: z.string().meta({
      description:
        '`-----BEGIN LICENSE FILE-----`, the base64 (possibly wrapped in lines) of `{"enc", "sig", "alg": "base64+ed25519"}`, then ' +
        "`-----END LICENSE FILE-----`. `enc` is the base64url payload JSON `{license, machine: {fingerprint}, issuedAt, expiresAt}`; " +
        "`sig` is the base64url Ed25519 signature of the ASCII bytes `license/` + `enc`.",
    }),
    expiresAt: instantOut().meta({ description: "Now + the plan's `offlineGraceDays`, never past the license's own expiry." }),
  })
  .meta({ id: "OfflineLicense" });

const publicKeySchema = z
  .object({
    keyid: z.string().meta({ description: "Equals the `keyid` of every `License-Signature` made with this key." }),
    algorithm: z.literal("ed25519"),
    publicKey: z.string().meta({ description: "PEM, SPKI." }),
  })
  .meta({ id: "PublicKey" });

const seedValidateResponseSchema = z
  .object({
    valid: z.boolean(),
    reason: z.enum(["Invalid key", "Machine mismatch", "Expired", "Suspended", "Revoked"]).optional().meta({ description: "Present when `valid` is `false`." }),
  })
  .meta({ id: "SeedValidateResponse" });

// ---------------------------------------------------------------- request schemas, named for the document

const keyDoc = { description: "The license key as issued; matched case-insensitively, surrounding white space ignored.", examples: ["ZP-A3K2P-X9M4Q-R7T2W-B5N8Z"] };
const validateRequest = requests.validateBody.meta({ id: "ValidateRequest" });
const activateRequest = requests.activateBody.meta({ id: "ActivateRequest" });
const deactivateRequest = requests.deactivateBody.meta({ id: "DeactivateRequest", description: "Names one machine of one license." });
const heartbeatRequest = requests.heartbeatBody.meta({ id: "HeartbeatRequest", description: "Names one machine of one license; `nonce` comes back in `meta.nonce`." });
const offlineRequest = requests.offlineBody.meta({ id: "OfflineRequest", description: "Names one machine of one license." });
const seedValidateRequest = requests.seedValidateBody.meta({
  id: "SeedValidateRequest",
  description: "`machine_id` plays the fingerprint: a machine not yet active on the license takes a free seat on its first validation.",
});

// ---------------------------------------------------------------- examples

const KEY = keyDoc.examples[0]!;
const FINGERPRINT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const NONCE = "c2f1e0a9d8b7a6f5";

export const licenseExample: LicenseBody = {
  id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
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

const machineExample: MachineBody = {
  id: "3b241101-e2bb-4255-8caf-4136c566a962",
  fingerprint: FINGERPRINT,
  name: "Ada's MacBook Pro",
  activatedAt: "2026-03-01T09:00:00.000Z",
  lastSeenAt: "2026-03-03T10:15:00.000Z",
  heartbeatDeadline: null,
};

const meta = { ts: "2026-03-03T10:15:00.000Z", nonce: NONCE };
const validExample = { valid: true, code: "VALID", detail: "The license is valid.", license: licenseExample, machine: machineExample, meta };
const validationExamples = (extra: Record<string, Example> = {}): Record<string, Example> => ({
  valid: { summary: "A valid license on an activated machine", value: validExample },
  ...extra,
});

function refusal(code: ValidationCode, detail: string, license: LicenseBody | null = licenseExample): Record<string, Example> {
  return { [code.toLowerCase()]: { summary: code, value: { valid: false, code, detail, license, machine: null, meta } } };
}
const notFoundRefusal = () => refusal("NOT_FOUND", "The license key does not exist.", null);

// ---------------------------------------------------------------- operations

const signedErrors = commonErrors({ signed: true, input: "body" });
const validation = (description: string, examples: Record<string, Example>): ResponseSpec => ({
  description,
  schema: validationResponseSchema,
  examples,
  headers: SIGNED_HEADERS,
});
const client = { tags: ["License"] as [string], security: PUBLIC };

/** Paths under which every answer is signed (API.md "Response signatures"). */
export const SIGNED_PATHS = ["/api/v1/licenses/validate", "/api/v1/licenses/activate", "/api/v1/licenses/deactivate", "/api/v1/licenses/heartbeat", "/api/v1/licenses/offline", "/api/validate"];

export const licenseApiOperations = defineOperations([
  {
    ...client,
    method: "post",
    path: "/api/v1/licenses/validate",
    operationId: "validateLicense",
    summary: "Validate a license",
    description:
      "Checks a key, and optionally that a machine is activated on it, that it is for a product and that it grants entitlements. " +
      "Every well-formed request answers `200`: read `valid` and `code`, not the HTTP status.",
    request: {
      body: validateRequest,
      bodyExamples: {
        machine: { summary: "Key, machine and entitlements", value: { key: KEY, fingerprint: FINGERPRINT, product: "zenpad", entitlements: ["sync"], nonce: NONCE } },
        keyOnly: { summary: "Key only", value: { key: KEY } },
      },
    },
    responses: {
      "200": validation(
        "The decision, valid or not.",
        validationExamples({ ...refusal("MACHINE_MISMATCH", "The machine is not activated for this license."), ...notFoundRefusal() }),
      ),
      ...signedErrors,
    },
  },
  {
    ...client,
    method: "post",
    path: "/api/v1/licenses/activate",
    operationId: "activateMachine",
    summary: "Activate a machine",
    description:
      "Takes a seat for a fingerprint. Idempotent: a fingerprint that is already active answers `200` without taking another seat. " +
      "Seats are never exceeded, however many activations race. A floating machine past its heartbeat deadline is revived when a seat is free.",
    request: {
      body: activateRequest,
      bodyExamples: {
        activate: { summary: "Activate this machine", value: { key: KEY, fingerprint: FINGERPRINT, name: "Ada's MacBook Pro", platform: "darwin-arm64", hostname: "ada-mbp", nonce: NONCE } },
      },
    },
    responses: {
      "200": validation("The fingerprint was already active on this license.", validationExamples()),
      "201": validation("A seat was taken for this machine.", validationExamples()),
      "403": validation(
        "Refused (`REVOKED`, `SUSPENDED`, `EXPIRED`, `TOO_MANY_MACHINES`, `TRIAL_ALREADY_USED`, ...), `valid: false`.",
        refusal("TOO_MANY_MACHINES", "All 3 machine seats are in use.", { ...licenseExample, activeMachines: 3 }),
      ),
      "404": validation("`NOT_FOUND`: no such key.", notFoundRefusal()),
      ...signedErrors,
    },
  },
  {
    ...client,
    method: "post",
    path: "/api/v1/licenses/deactivate",
    operationId: "deactivateMachine",
    summary: "Deactivate a machine",
    description: "Frees the seat the fingerprint holds on this license.",
    request: { body: deactivateRequest, bodyExamples: { deactivate: { summary: "Free this machine's seat", value: { key: KEY, fingerprint: FINGERPRINT } } } },
    responses: {
      "200": {
        description: "The machine no longer holds a seat.",
        schema: deactivateResponseSchema,
        examples: { deactivated: { summary: "Deactivated", value: { deactivated: true } } },
        headers: SIGNED_HEADERS,
      },
      "404": {
        description: "The key does not exist, or the fingerprint is not an active machine of it.",
        schema: errorSchema,
        examples: errorExample("NOT_FOUND", "No active machine with this fingerprint on this license"),
        headers: SIGNED_HEADERS,
      },
      ...signedErrors,
    },
  },
  {
    ...client,
    method: "post",
    path: "/api/v1/licenses/heartbeat",
    operationId: "sendHeartbeat",
    summary: "Send a heartbeat",
    description:
      "Validates the machine like `validate` with a fingerprint and, when valid, extends `machine.heartbeatDeadline` on floating plans " +
      "(by the plan's `heartbeatSeconds`). Every well-formed request answers `200`.",
    request: { body: heartbeatRequest, bodyExamples: { heartbeat: { summary: "Keep this machine's seat", value: { key: KEY, fingerprint: FINGERPRINT, nonce: NONCE } } } },
    responses: {
      "200": validation("The decision; on a valid floating license the new deadline is in `machine.heartbeatDeadline`.", {
        floating: {
          summary: "A floating seat kept for another 10 minutes",
          value: {
            ...validExample,
            license: { ...licenseExample, plan: "zenpad-team", floating: true, maxMachines: 10 },
            machine: { ...machineExample, heartbeatDeadline: "2026-03-03T10:25:00.000Z" },
          },
        },
        ...refusal("HEARTBEAT_DEAD", "The machine missed its heartbeat deadline; activate it again.", { ...licenseExample, plan: "zenpad-team", floating: true, maxMachines: 10 }),
      }),
      ...signedErrors,
    },
  },
  {
    ...client,
    method: "post",
    path: "/api/v1/licenses/offline",
    operationId: "issueOfflineLicense",
    summary: "Issue an offline license file",
    description:
      "For an active machine, a license file signed with the server's Ed25519 key that the application verifies without reaching the server. " +
      "It is valid until now + the plan's `offlineGraceDays`, never past the license's own expiry.",
    request: { body: offlineRequest, bodyExamples: { offline: { summary: "A license file for this machine", value: { key: KEY, fingerprint: FINGERPRINT, nonce: NONCE } } } },
    responses: {
      "200": {
        description: "The signed license file.",
        schema: offlineLicenseSchema,
        examples: {
          certificate: {
            summary: "A license file valid for 7 days (certificate abridged)",
            value: {
              certificate:
                "-----BEGIN LICENSE FILE-----\neyJlbmMiOiJleUpzYVdObGJuTmxJanA3SW1sa0lqb2lOMk01WlRZMk56a3ROelF5\nNS00MGRlLi4uIiwic2lnIjoiLi4uIiwiYWxnIjoiYmFzZTY0K2VkMjU1MTkifQ==\n-----END LICENSE FILE-----\n",
              expiresAt: "2026-03-10T10:15:00.000Z",
            },
          },
        },
        headers: SIGNED_HEADERS,
      },
      "403": {
        description: "Refused: the validation body (`valid: false`, e.g. `MACHINE_MISMATCH` or `EXPIRED`), or a `FORBIDDEN` error when the plan's `offlineGraceDays` is 0.",
        schema: z.union([validationResponseSchema, errorSchema]),
        examples: {
          ...refusal("MACHINE_MISMATCH", "The machine is not activated for this license."),
          ...errorExample("FORBIDDEN", "This plan does not allow offline licenses"),
        },
        headers: SIGNED_HEADERS,
      },
      "404": validation("`NOT_FOUND`: no such key.", notFoundRefusal()),
      ...signedErrors,
    },
  },
  {
    ...client,
    method: "get",
    path: "/api/v1/public-key",
    operationId: "getPublicKey",
    summary: "Get the signing public key",
    description: "The Ed25519 key that verifies `License-Signature` headers and offline license files. Ship it with your application, or pin its `keyid`.",
    responses: {
      "200": {
        description: "The public key.",
        schema: publicKeySchema,
        examples: {
          key: {
            summary: "The current key",
            value: {
              keyid: "08d4f264426a3c0e",
              algorithm: "ed25519",
              publicKey: "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAXMWBPdJbxN+Z2mhoE5nwWZqJFpyJoITdTUVAYuKKXSo=\n-----END PUBLIC KEY-----\n",
            },
          },
        },
        headers: CACHE_5_MINUTES,
      },
    },
  },
  {
    ...client,
    method: "post",
    path: "/api/validate",
    operationId: "validateSeedCompatible",
    summary: "Validate (seed-compatible)",
    description:
      "The original endpoint, kept for applications built against it. A `machine_id` not yet active on the license takes a free seat on " +
      "its first validation; when no seat is free it gets `Machine mismatch`. Responses are signed like the `/api/v1/licenses/*` ones.",
    request: { body: seedValidateRequest, bodyExamples: { validate: { summary: "Key and machine", value: { key: KEY, machine_id: FINGERPRINT } } } },
    responses: {
      "200": { description: "Valid.", schema: seedValidateResponseSchema, examples: { valid: { summary: "Valid", value: { valid: true } } }, headers: SIGNED_HEADERS },
      "403": {
        description: "Not valid; `reason` says why.",
        schema: seedValidateResponseSchema,
        examples: {
          mismatch: { summary: "Another machine holds the seat", value: { valid: false, reason: "Machine mismatch" } },
          invalid: { summary: "No such key", value: { valid: false, reason: "Invalid key" } },
        },
        headers: SIGNED_HEADERS,
      },
      ...signedErrors,
    },
  },
]);
