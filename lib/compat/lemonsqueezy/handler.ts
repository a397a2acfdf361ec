// The Lemon Squeezy-compatible License API (API.md "Lemon Squeezy-compatible license
// endpoints"): POST /v1/licenses/activate | validate | deactivate, so an application
// written against Lemon Squeezy works by changing only its base URL. This module only
// reads requests and shapes answers; every decision is lib/licensing's (the same
// validation decision and activation path as the portal's own license API).
//
// Lemon Squeezy's semantics, mapped onto machines:
// - activate always creates a new instance (a machine whose fingerprint is a fresh UUID,
//   which is the instance id) while a seat is free;
// - validate with an instance_id checks that machine (on floating plans it also counts as
//   its heartbeat, since Lemon Squeezy clients send none); without one, the key alone;
// - deactivate frees the instance's seat.
import { randomUUID } from "node:crypto";
import { db } from "../../db/client";
import { ApiError, errorResponse } from "../../http/errors";
import { defaultRateLimiter, enforceRateLimits } from "../../http/rate-limit";
import { jsonResponse, type ApiRequest, type ApiResponse } from "../../http/types";
import { recordUsage } from "../../licensing/api/router";
import { decryptLicenseKey } from "../../licensing/keys";
import { runtimeKeys } from "../../licensing/runtime-keys";
import { activate, deactivate, heartbeat, validate, type Outcome } from "../../licensing/service";
import { signResponse } from "../../licensing/signing";
import { loadLicenseDetails } from "./details";
import { readLemonSqueezyFields, LemonSqueezyRequestError, type LemonSqueezyAction, type LemonSqueezyFields } from "./request";
import { errorBody, INSTANCE_NOT_FOUND_MESSAGE, instanceObject, licenseKeyObject, metaObject, NOT_FOUND_MESSAGE, refusal, RESULT_FLAG } from "./responses";

const PREFIX = "/v1/licenses/";
/** The actions served under /v1/licenses/ (all POST). */
export const LEMON_SQUEEZY_ACTIONS: readonly LemonSqueezyAction[] = ["activate", "validate", "deactivate"];
const ACTIONS = new Set<string>(LEMON_SQUEEZY_ACTIONS);

type Result = { status: number; json: unknown };

/** True for every path this module answers (unknown actions get a Lemon Squeezy-style 404). */
export function isLemonSqueezyPath(path: string): boolean {
  return path.startsWith(PREFIX);
}

/**
 * The answer for `o`: the flag, `error`, `license_key`, `instance` (activate and validate)
 * and `meta`. An unknown key answers only the flag and error, as Lemon Squeezy does.
 */
async function answer(action: LemonSqueezyAction, o: Outcome, ok: boolean, error: string | null, status: number, now: Date): Promise<Result> {
  const flag = RESULT_FLAG[action];
  const details = o.license ? await loadLicenseDetails(db(), o.license.id) : null;
  if (!o.license || !details) return { status: 404, json: { [flag]: false, error: NOT_FOUND_MESSAGE } };
  const key = decryptLicenseKey(details.keyCiphertext, runtimeKeys().aesKey);
  const json: Record<string, unknown> = { [flag]: ok, error, license_key: licenseKeyObject(key, o.license, o.machines, details, now) };
  if (action !== "deactivate") json.instance = o.machine && ok ? instanceObject(o.machine) : null;
  json.meta = metaObject(details);
  return { status, json };
}

async function refuse(action: LemonSqueezyAction, o: Outcome, now: Date): Promise<Result> {
  const { status, error } = refusal(o.decision.code, o.decision.detail);
  return answer(action, o, false, error, status, now);
}

const RUN: Record<LemonSqueezyAction, (fields: LemonSqueezyFields, req: ApiRequest, now: Date) => Promise<Result>> = {
  async activate(fields, req, now) {
    const o = await activate(fields.license_key, randomUUID(), { name: fields.instance_name }, now);
    recordUsage(req, "ls-activate", o, now, o.created);
    return o.decision.valid ? answer("activate", o, true, null, 200, now) : refuse("activate", o, now);
  },
  async validate(fields, req, now) {
    const o =
      fields.instance_id === undefined ? await validate(fields.license_key, {}, now) : await heartbeat(fields.license_key, fields.instance_id, now);
    recordUsage(req, "ls-validate", o, now);
    return o.decision.valid ? answer("validate", o, true, null, 200, now) : refuse("validate", o, now);
  },
  async deactivate(fields, req, now) {
    const before = await validate(fields.license_key, {}, now);
    if (!before.license) return { status: 404, json: { deactivated: false, error: NOT_FOUND_MESSAGE } };
    const done = await deactivate(fields.license_key, fields.instance_id!);
    const after = done ? await validate(fields.license_key, {}, now) : before;
    recordUsage(req, "ls-deactivate", after, now);
    return done ? answer("deactivate", after, true, null, 200, now) : answer("deactivate", after, false, INSTANCE_NOT_FOUND_MESSAGE, 404, now);
  },
};

/**
 * Answers a request under /v1/licenses/; never throws. Rate limited per client IP and per
 * key like the portal's client endpoints, and signed like them (extra headers a Lemon
 * Squeezy client ignores).
 */
export async function handleLemonSqueezyApi(req: ApiRequest): Promise<ApiResponse> {
  const now = new Date();
  const name = req.path.slice(PREFIX.length).replace(/\/+$/, "");
  const action = ACTIONS.has(name) ? (name as LemonSqueezyAction) : null;
  let result: Result;
  let headers: Record<string, string> = {};
  try {
    if (!action) throw new ApiError("NOT_FOUND", "Not found.");
    if (req.method !== "POST") throw new ApiError("METHOD_NOT_ALLOWED", "The method is not supported for this route. Supported methods: POST.", { headers: { Allow: "POST" } });
    if (req.bodyError) throw req.bodyError;
    let fields: LemonSqueezyFields | undefined;
    let invalid: unknown;
    try {
      fields = await readLemonSqueezyFields(req, action);
    } catch (error) {
      invalid = error;
    }
    // Malformed requests still count against the client's IP.
    headers = await enforceRateLimits(defaultRateLimiter(), { ip: req.ip, key: fields?.license_key });
    if (invalid) throw invalid;
    result = await RUN[action](fields!, req, now);
  } catch (error) {
    if (error instanceof LemonSqueezyRequestError) {
      result = { status: error.status, json: errorBody(action, error.message) };
    } else {
      const mapped = errorResponse(error);
      result = { status: mapped.status, json: errorBody(action, mapped.json.error.message) };
      headers = { ...headers, ...mapped.headers };
    }
  }
  const response = jsonResponse(result.status, result.json, headers);
  Object.assign(response.headers, signResponse(runtimeKeys().signing, req, response.body, now));
  return response;
}
