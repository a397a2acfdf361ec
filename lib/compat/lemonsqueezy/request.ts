// Reading a Lemon Squeezy License API request. Lemon Squeezy documents
// `application/x-www-form-urlencoded` bodies; its official JavaScript SDK sends
// JSON as `application/vnd.api+json`, and browsers' FormData sends multipart.
// All of them are accepted, as Lemon Squeezy's own server (Laravel) does.
//
// Field errors answer 422 with Laravel's wording ("The license key field is
// required."), as Lemon Squeezy documents: "422: A required field was invalid
// or missing"; a body that cannot be decoded at all answers 400.
import { z } from "zod";
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

/**
 * One text field, with Laravel's messages: missing → "field is required", not a string → "must be a string",
 * U+0000, an unpaired surrogate (or, for an instance id, a control character) → "is invalid", over 256
 * characters → "may not be greater than 256 characters". Trimmed.
 */
function textField(field: keyof LemonSqueezyFields, opts: { controlFree?: boolean; description: string; example: string }) {
  const name = label(field);
  return z
    .string({ error: (issue) => (issue.input === undefined ? `The ${name} field is required.` : `The ${name} must be a string.`) })
    .trim()
    .min(1, `The ${name} field is required.`)
    .refine((value) => isWellFormedText(value) && !(opts.controlFree && CONTROL.test(value)), `The ${name} is invalid.`)
    .max(MAX_LENGTH, `The ${name} may not be greater than ${MAX_LENGTH} characters.`)
    .meta({ description: opts.description, examples: [opts.example] });
}

const licenseKey = textField("license_key", { description: "The license key.", example: "38b1460a-5104-4067-a91d-77b872934d51" });
const instanceId = textField("instance_id", {
  controlFree: true,
  description: "The instance id `activate` answered (a machine's fingerprint).",
  example: "47596ad9-a811-4ebf-ac8a-03fc7b6d2a17",
});

/**
 * The request body of each endpoint, as Lemon Squeezy documents it: the one schema the handler parses with
 * (after `normalise`) and the OpenAPI document shows. Unknown fields are ignored.
 */
export const LEMON_SQUEEZY_BODIES = {
  activate: z
    .object({ license_key: licenseKey, instance_name: textField("instance_name", { description: "A label for the new instance, e.g. the device's name.", example: "Test" }) })
    .meta({ id: "LemonSqueezyActivateRequest" }),
  validate: z
    .object({ license_key: licenseKey, instance_id: instanceId.optional().meta({ description: "Also check that this instance is active on the key." }) })
    .meta({ id: "LemonSqueezyValidateRequest" }),
  deactivate: z.object({ license_key: licenseKey, instance_id: instanceId }).meta({ id: "LemonSqueezyDeactivateRequest" }),
} satisfies Record<LemonSqueezyAction, z.ZodType<LemonSqueezyFields>>;

/**
 * What Laravel's request decoding does before validation: a number becomes its text (form fields are text;
 * a JSON client may send an id as a number), and an empty or blank value or `null` counts as absent.
 */
function normalise(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (value === null || value === undefined || (typeof value === "string" && value.trim() === "")) continue;
    out[field] = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  }
  return out;
}

/**
 * The fields of `action` from the request body: `license_key` always, `instance_name` for
 * activate, `instance_id` for deactivate (and optionally validate). Throws
 * LemonSqueezyRequestError (400 unreadable body, 422 a missing or invalid field).
 */
export async function readLemonSqueezyFields(req: ApiRequest, action: LemonSqueezyAction): Promise<LemonSqueezyFields> {
  const parsed = LEMON_SQUEEZY_BODIES[action].safeParse(normalise(await rawFields(req)));
  // Fields are checked in the order Lemon Squeezy lists them; the first problem is the answer.
  if (!parsed.success) throw new LemonSqueezyRequestError(422, parsed.error.issues[0]!.message);
  return parsed.data;
}
