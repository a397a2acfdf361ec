// The Lemon Squeezy-compatible License API in the OpenAPI document. Requests are the schemas request.ts
// parses with (form-encoded, as Lemon Squeezy documents them); answers are Lemon Squeezy's shapes
// (responses.ts), described here and tied to the functions that build them.
import { z } from "zod";
import { PUBLIC, RETRY_AFTER, SIGNED_HEADERS, sameType } from "../../api-docs/common";
import { defineOperations, type Example, type ResponseSpec } from "../../api-docs/registry";
import { LEMON_SQUEEZY_BODIES, type LemonSqueezyAction } from "./request";
import type { instanceObject, licenseKeyObject, metaObject } from "./responses";

const lsTime = z.string().meta({ description: "Lemon Squeezy's format: ISO 8601 with microseconds, `2021-01-24T14:15:07.000000Z`." });

const licenseKeySchema = z
  .object({
    id: z.int().meta({ description: "The license's number: stable, numeric, as Lemon Squeezy's ids are." }),
    status: z.enum(["inactive", "active", "expired", "disabled"]).meta({
      description: "`inactive` with no active instance, `active` with one, `expired` past its expiry, `disabled` when suspended or revoked.",
    }),
    key: z.string(),
    activation_limit: z.int(),
    activation_usage: z.int(),
    created_at: lsTime,
    expires_at: lsTime.nullable(),
    test_mode: z.boolean(),
  })
  .meta({ id: "LemonSqueezyLicenseKey" });
sameType<z.output<typeof licenseKeySchema>, ReturnType<typeof licenseKeyObject>>();

const instanceSchema = z
  .object({ id: z.string().meta({ description: "The instance id: a machine's fingerprint." }), name: z.string(), created_at: lsTime })
  .meta({ id: "LemonSqueezyInstance" });
sameType<z.output<typeof instanceSchema>, ReturnType<typeof instanceObject>>();

const metaSchema = z
  .object({
    store_id: z.int().meta({ description: "The product's Lemon Squeezy store id, else 1." }),
    order_id: z.int(),
    order_item_id: z.int(),
    product_id: z.int().meta({ description: "The product's Lemon Squeezy product id (set in the console), else its number." }),
    product_name: z.string(),
    variant_id: z.int().meta({ description: "The plan's Lemon Squeezy variant id, else its number." }),
    variant_name: z.string(),
    customer_id: z.int(),
    customer_name: z.string(),
    customer_email: z.string(),
  })
  .meta({ id: "LemonSqueezyMeta" });
sameType<z.output<typeof metaSchema>, ReturnType<typeof metaObject>>();

const FLAG = { activate: "activated", validate: "valid", deactivate: "deactivated" } as const;

/** One endpoint's answer: the flag and `error` always; the key, instance and meta once the key was found. */
function answerSchema(action: LemonSqueezyAction) {
  const id = `LemonSqueezy${action[0]!.toUpperCase()}${action.slice(1)}Response`;
  return z
    .object({
      [FLAG[action]]: z.boolean(),
      error: z.string().nullable(),
      license_key: licenseKeySchema.optional().meta({ description: "Absent when the key was not found or the request was refused before reading it." }),
      ...(action === "deactivate" ? {} : { instance: instanceSchema.nullable().optional() }),
      meta: metaSchema.optional(),
    })
    .meta({ id });
}

// ---------------------------------------------------------------- examples (Lemon Squeezy's own documentation)

const KEY = "38b1460a-5104-4067-a91d-77b872934d51";
const licenseKeyExample = {
  id: 1,
  status: "active",
  key: KEY,
  activation_limit: 1,
  activation_usage: 1,
  created_at: "2021-01-24T14:15:07.000000Z",
  expires_at: null,
  test_mode: false,
};
const instanceExample = { id: "47596ad9-a811-4ebf-ac8a-03fc7b6d2a17", name: "Test", created_at: "2021-04-06T14:09:11.000000Z" };
const metaExample = {
  store_id: 1,
  order_id: 2,
  order_item_id: 3,
  product_id: 4,
  product_name: "Example Product",
  variant_id: 5,
  variant_name: "Default",
  customer_id: 6,
  customer_name: "Luke Skywalker",
  customer_email: "luke@skywalker.com",
};

const REQUEST_EXAMPLES: Record<LemonSqueezyAction, Record<string, Example>> = {
  activate: { activate: { summary: "Activate an instance", value: { license_key: KEY, instance_name: "Test" } } },
  validate: { validate: { summary: "Validate a key and instance", value: { license_key: KEY, instance_id: instanceExample.id } } },
  deactivate: { deactivate: { summary: "Deactivate an instance", value: { license_key: KEY, instance_id: instanceExample.id } } },
};

const SUCCESS: Record<LemonSqueezyAction, unknown> = {
  activate: { activated: true, error: null, license_key: licenseKeyExample, instance: instanceExample, meta: metaExample },
  validate: { valid: true, error: null, license_key: licenseKeyExample, instance: instanceExample, meta: metaExample },
  deactivate: { deactivated: true, error: null, license_key: { ...licenseKeyExample, status: "inactive", activation_usage: 0 }, meta: metaExample },
};

const DESCRIPTIONS: Record<LemonSqueezyAction, { summary: string; description: string }> = {
  activate: {
    summary: "Activate a license key (Lemon Squeezy)",
    description: "Creates a new instance (a machine) of the key while an activation is free; its `instance.id` is what `validate` and `deactivate` take.",
  },
  validate: {
    summary: "Validate a license key (Lemon Squeezy)",
    description: "Checks the key and, with `instance_id`, that this instance is active (on floating plans it also counts as the instance's heartbeat).",
  },
  deactivate: { summary: "Deactivate an instance (Lemon Squeezy)", description: "Frees the seat of one instance of the key." },
};

function lsOperation(action: LemonSqueezyAction) {
  const schema = answerSchema(action);
  const flag = FLAG[action];
  const answer = (description: string, examples: Record<string, Example>): ResponseSpec => ({ description, schema, examples, headers: SIGNED_HEADERS });
  return {
    method: "post" as const,
    path: `/v1/licenses/${action}`,
    operationId: `lemonSqueezy${action[0]!.toUpperCase()}${action.slice(1)}`,
    tags: ["Lemon Squeezy"] as [string],
    security: PUBLIC,
    summary: DESCRIPTIONS[action].summary,
    description:
      `${DESCRIPTIONS[action].description} Lemon Squeezy's License API (docs.lemonsqueezy.com/api/license-api), answered in its shapes and statuses so an ` +
      "application written against Lemon Squeezy only needs a new base URL. The body may also be JSON or `application/vnd.api+json` (as the official SDK sends it). " +
      "Answers are signed like the license endpoints (headers Lemon Squeezy clients ignore).",
    request: { body: LEMON_SQUEEZY_BODIES[action], bodyContentType: "application/x-www-form-urlencoded", bodyExamples: REQUEST_EXAMPLES[action] },
    responses: {
      "200": answer("Done.", { ok: { summary: "Lemon Squeezy's documented example", value: SUCCESS[action] } }),
      "400": answer("Refused (the key is disabled, expired or at its activation limit), or a body that cannot be decoded.", {
        disabled: { summary: "Disabled", value: { [flag]: false, error: "This license key is disabled.", license_key: { ...licenseKeyExample, status: "disabled" }, meta: metaExample } },
      }),
      "404": answer("No such key, or no such instance of it.", { not_found: { summary: "Unknown key", value: { [flag]: false, error: "license_key not found." } } }),
      "413": answer("The body is over 16 KiB.", { too_large: { summary: "Too large", value: { [flag]: false, error: "Request body exceeds 16384 bytes" } } }),
      "422": answer("A required field is missing or invalid (Laravel's wording).", {
        missing: { summary: "Missing field", value: { [flag]: false, error: "The license key field is required." } },
      }),
      "429": { ...answer("Rate limited per client IP and per key.", { limited: { summary: "Rate limited", value: { [flag]: false, error: "Too many requests" } } }), headers: { ...SIGNED_HEADERS, ...RETRY_AFTER } },
      "503": {
        ...answer("The database is unreachable.", { down: { summary: "Down", value: { [flag]: false, error: "The database is unavailable; retry shortly" } } }),
        headers: { ...SIGNED_HEADERS, ...RETRY_AFTER },
      },
    },
  };
}

export const lemonSqueezyOperations = defineOperations([lsOperation("activate"), lsOperation("validate"), lsOperation("deactivate")]);
