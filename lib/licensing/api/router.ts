// The license API, framework-neutral: one function that answers every client
// endpoint of API.md. It is mounted on the Node server ahead of Next
// (lib/server/fast-routes.ts) and as Next route handlers (app/api/...).
import type { z } from "zod";
import { usageRecorder } from "../../analytics/usage-recorder";
import { ApiError, errorResponse, parseJsonBody } from "../../http/errors";
import { defaultRateLimiter, enforceRateLimits } from "../../http/rate-limit";
import { jsonResponse, type ApiRequest, type ApiResponse } from "../../http/types";
import { observeLicenseApi } from "../../metrics/registry";
import { currentTime } from "../../time/clock";
import { issueOfflineFile } from "../offline-file";
import { runtimeKeys } from "../runtime-keys";
import { activate, deactivate, heartbeat, validate, type Outcome } from "../service";
import { signResponse } from "../signing";
import { refusalStatus, seedReason, validationBody } from "./responses";
import * as schemas from "./schemas";

/** `code`: the answer's code for /metrics when its body does not carry one as `code` (seed-compatible and deactivate answers). */
type Result = { status: number; json: unknown; code?: string };
/** A signed client endpoint: its body schema and what it answers (the status and JSON to sign). */
export type Endpoint<S extends z.ZodType> = {
  schema: S;
  run: (body: z.infer<S>, req: ApiRequest, now: Date) => Promise<Result>;
};

/** Counts a client endpoint's answer in the license's usage (batched off the hot path); nothing for an unknown key. */
export function recordUsage(req: ApiRequest, endpoint: string, o: Outcome, now: Date, activated = false) {
  if (!o.license) return;
  usageRecorder().record({
    licenseId: o.license.id,
    endpoint,
    code: o.decision.code,
    valid: o.decision.valid,
    activated,
    machineId: o.machine?.id ?? null,
    fingerprint: o.machine?.fingerprint ?? null,
    ip: req.ip,
    at: now,
  });
}

export const endpoint = <S extends z.ZodType>(e: Endpoint<S>) => e as unknown as Endpoint<z.ZodType>;

const SIGNED: Record<string, Endpoint<z.ZodType>> = {
  "/api/v1/licenses/validate": endpoint({
    schema: schemas.validateBody,
    async run(body, req, now) {
      const o = await validate(body.key, { fingerprint: body.fingerprint, product: body.product, entitlements: body.entitlements, version: body.version }, now);
      recordUsage(req, "validate", o, now);
      return { status: 200, json: validationBody(o, body.nonce, now) };
    },
  }),
  "/api/v1/licenses/activate": endpoint({
    schema: schemas.activateBody,
    async run(body, req, now) {
      const o = await activate(body.key, body.fingerprint, { name: body.name, platform: body.platform, hostname: body.hostname }, now);
      recordUsage(req, "activate", o, now, o.created);
      const status = !o.decision.valid ? refusalStatus(o) : o.created ? 201 : 200;
      return { status, json: validationBody(o, body.nonce, now) };
    },
  }),
  "/api/v1/licenses/deactivate": endpoint({
    schema: schemas.deactivateBody,
    async run(body) {
      if (!(await deactivate(body.key, body.fingerprint))) {
        throw new ApiError("NOT_FOUND", "No active machine with this fingerprint on this license");
      }
      return { status: 200, json: { deactivated: true }, code: "DEACTIVATED" };
    },
  }),
  "/api/v1/licenses/heartbeat": endpoint({
    schema: schemas.heartbeatBody,
    async run(body, req, now) {
      const o = await heartbeat(body.key, body.fingerprint, now);
      recordUsage(req, "heartbeat", o, now);
      return { status: 200, json: validationBody(o, body.nonce, now) };
    },
  }),
  "/api/v1/licenses/offline": endpoint({
    schema: schemas.offlineBody,
    async run(body, req, now) {
      const o = await validate(body.key, { fingerprint: body.fingerprint }, now);
      recordUsage(req, "offline", o, now);
      if (!o.decision.valid || !o.license) return { status: refusalStatus(o), json: validationBody(o, body.nonce, now) };
      if (o.license.offlineGraceDays <= 0) throw new ApiError("FORBIDDEN", "This plan does not allow offline licenses");
      const { certificate, expiresAt } = issueOfflineFile(o.license, o.machines, { id: o.machine!.id, fingerprint: body.fingerprint }, now);
      return { status: 200, json: { certificate, expiresAt: expiresAt.toISOString() } };
    },
  }),
  // Seed-compatible: a machine_id not yet active takes a free seat on first validation.
  "/api/validate": endpoint({
    schema: schemas.seedValidateBody,
    async run(body, req, now) {
      let o: Outcome = await validate(body.key, { fingerprint: body.machine_id }, now);
      if (["NO_MACHINE", "MACHINE_MISMATCH", "HEARTBEAT_DEAD"].includes(o.decision.code)) {
        const activated = await activate(body.key, body.machine_id, {}, now);
        recordUsage(req, "seed-activate", activated, now, activated.created);
        o = activated;
      } else {
        recordUsage(req, "seed-validate", o, now);
      }
      return o.decision.valid
        ? { status: 200, json: { valid: true }, code: o.decision.code }
        : { status: 403, json: { valid: false, reason: seedReason(o.decision.code) }, code: o.decision.code };
    },
  }),
};

// The code /metrics counts an answer under: the validation code, or the error's code.
function metricsCode(result: Result): string {
  const json = result.json as { code?: unknown; error?: { code?: unknown } } | null;
  const code = result.code ?? json?.code ?? json?.error?.code;
  return typeof code === "string" ? code : result.status < 400 ? "OK" : String(result.status);
}

/**
 * Answers a signed client endpoint (API.md "Response signatures"): POST only, rate limited per IP and
 * per key, every answer — errors included — signed. Other modules' client endpoints
 * (lib/releases) go through here too.
 */
export async function answerSigned(req: ApiRequest, e: Endpoint<z.ZodType> | undefined): Promise<ApiResponse> {
  const started = performance.now();
  const now = currentTime();
  let result: Result;
  let headers: Record<string, string> = {};
  try {
    if (!e) throw new ApiError("NOT_FOUND", "No such endpoint");
    if (req.method !== "POST") throw new ApiError("METHOD_NOT_ALLOWED", "Use POST", { headers: { Allow: "POST" } });
    if (req.bodyError) throw req.bodyError;
    let body: { key: string } | undefined;
    let invalid: unknown;
    try {
      body = parseJsonBody(req.body, e.schema) as { key: string };
    } catch (error) {
      invalid = error;
    }
    // Malformed requests still count against the client's IP.
    headers = await enforceRateLimits(defaultRateLimiter(), { ip: req.ip, key: body?.key });
    if (invalid) throw invalid;
    result = await e.run(body, req, now);
  } catch (error) {
    const mapped = errorResponse(error);
    result = { status: mapped.status, json: mapped.json };
    headers = { ...headers, ...mapped.headers };
  }
  const response = jsonResponse(result.status, result.json, headers);
  Object.assign(response.headers, signResponse(runtimeKeys().signing, req, response.body, now));
  observeLicenseApi(e ? req.path : "unknown", metricsCode(result), (performance.now() - started) / 1000);
  return response;
}

function publicKey(req: ApiRequest): ApiResponse {
  if (req.method !== "GET" && req.method !== "HEAD") {
    const e = errorResponse(new ApiError("METHOD_NOT_ALLOWED", "Use GET", { headers: { Allow: "GET" } }));
    return jsonResponse(e.status, e.json, e.headers);
  }
  const { signing } = runtimeKeys();
  return jsonResponse(
    200,
    { keyid: signing.keyId, algorithm: "ed25519", publicKey: signing.publicKeyPem },
    { "Cache-Control": "public, max-age=300" },
  );
}

/** The signed endpoints this module serves (all POST), for the test that keeps the OpenAPI document complete. */
export const signedEndpointPaths = (): string[] => Object.keys(SIGNED);

/** True for the paths this module answers: every one under /api/v1/licenses/ (signed, 404s too). */
export function isLicenseApiPath(path: string): boolean {
  return path.startsWith("/api/v1/licenses/") || path in SIGNED || path === "/api/v1/public-key";
}

export async function handleLicenseApi(req: ApiRequest): Promise<ApiResponse> {
  if (req.path === "/api/v1/public-key") return publicKey(req);
  return answerSigned(req, SIGNED[req.path]);
}
