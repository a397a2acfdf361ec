// Reading a Lemon Squeezy License API request. Lemon Squeezy documents
// `application/x-www-form-urlencoded` bodies; its official JavaScript SDK sends
// JSON as `application/vnd.api+json`, and browsers' FormData sends multipart.
// All of them are accepted, as Lemon Squeezy's own server (Laravel) does.
//
// Field errors answer 422 with Laravel's wording ("The license key field is
// required."), as Lemon Squeezy documents: "422: A required field was invalid
// or missing"; a body that cannot be decoded at all answers 400.
import { isWellFormedText } from "../../http/input";
import type { ApiRequest } from "../../http/types";

export type LemonSqueezyAction = "activate" | "validate" | "deactivate";

/** The fields the three endpoints read; anything else in the body is ignored. */
export type LemonSqueezyFields = { license_key: string; instance_name?: string; instance_id?: string };

/** A request that cannot be answered: the status and Lemon Squeezy-style message. */
export class LemonSqueezyRequestError extends Error {
  constructor(
    readonly status: 400 | 422,
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
// An instance id is a machine's fingerprint: 1-256 characters, no control characters (API.md).
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_LENGTH = 256;

async function rawFields(req: ApiRequest): Promise<Record<string, unknown>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data") {
    try {
      const form = await new Response(new Uint8Array(req.body), { headers: { "content-type": req.headers["content-type"]! } }).formData();
      return Object.fromEntries([...form].filter(([, v]) => typeof v === "string"));
    } catch {
      throw new LemonSqueezyRequestError(400, "The request body could not be read.");
    }
  }
  let text: string;
  try {
    text = utf8.decode(req.body);
  } catch {
    throw new LemonSqueezyRequestError(400, "The request body is not valid UTF-8.");
  }
  const json = type === "application/json" || type.endsWith("+json") || (type === "" && text.trimStart().startsWith("{"));
  if (!json) return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LemonSqueezyRequestError(400, "The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new LemonSqueezyRequestError(400, "The request body must be a JSON object.");
  }
  // A JSON:API document ({"data": {"attributes": {...}}}) carries the fields in its attributes.
  const attributes = (value as { data?: { attributes?: unknown } }).data?.attributes;
  return typeof attributes === "object" && attributes !== null && !Array.isArray(attributes)
    ? (attributes as Record<string, unknown>)
    : (value as Record<string, unknown>);
}

/** `license_key` → "license key", as Laravel names a field in its messages. */
const label = (field: string) => field.replace(/_/g, " ");

function textField(raw: Record<string, unknown>, field: keyof LemonSqueezyFields, required: boolean): string | undefined {
  let value = raw[field];
  if (typeof value === "number" && Number.isFinite(value)) value = String(value);
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    if (required) throw new LemonSqueezyRequestError(422, `The ${label(field)} field is required.`);
    return undefined;
  }
  if (typeof value !== "string") throw new LemonSqueezyRequestError(422, `The ${label(field)} must be a string.`);
  const trimmed = value.trim();
  // U+0000 and unpaired surrogates are malformed text everywhere (API.md "Input domain").
  if (!isWellFormedText(trimmed) || (field === "instance_id" && CONTROL.test(trimmed))) {
    throw new LemonSqueezyRequestError(422, `The ${label(field)} is invalid.`);
  }
  if (trimmed.length > MAX_LENGTH) {
    throw new LemonSqueezyRequestError(422, `The ${label(field)} may not be greater than ${MAX_LENGTH} characters.`);
  }
  return trimmed;
}

/**
 * The fields of `action` from the request body: `license_key` always, `instance_name` for
 * activate, `instance_id` for deactivate (and optionally validate). Throws
 * LemonSqueezyRequestError (400 unreadable body, 422 a missing or invalid field).
 */
export async function readLemonSqueezyFields(req: ApiRequest, action: LemonSqueezyAction): Promise<LemonSqueezyFields> {
  const raw = await rawFields(req);
  const fields: LemonSqueezyFields = { license_key: textField(raw, "license_key", true)! };
  if (action === "activate") fields.instance_name = textField(raw, "instance_name", true);
  else fields.instance_id = textField(raw, "instance_id", action === "deactivate");
  return fields;
}
