// Request shapes of the admin API. z.object drops unknown fields, which is what
// the contract asks for ("Unknown body fields are ignored"); every bound below
// also keeps values inside the database's int4 columns, so bad input is a 400
// and never a 5xx from PostgreSQL.
import { z } from "zod";
import { ApiError } from "../http/errors";
import { email, instant, integerText, text } from "../http/input";
import { FOREIGN_KEY_PATTERN } from "../licensing/keys";
import { lemonSqueezyId, planChanges, planColumns } from "../catalog/plan-schema";

export const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Must be 1-63 characters of a-z, 0-9 and '-', not starting with '-'");
const name = text({ min: 1, max: 200 });
const maxMachines = z.number().int().min(1).max(10_000);
export { email };
export const licenseStatus = z.enum(["ACTIVE", "SUSPENDED", "REVOKED"]);

export const createProductSchema = z.object({
  slug: slug.meta({ description: "Unique.", examples: ["zenpad"] }),
  name,
  description: text({ max: 2000 }).nullable().optional(),
  lemonSqueezyStoreId: lemonSqueezyId
    .nullable()
    .optional()
    .meta({ description: "What the Lemon Squeezy-compatible API answers as `meta.store_id` (absent: 1)." }),
  lemonSqueezyProductId: lemonSqueezyId
    .nullable()
    .optional()
    .meta({ description: "What the Lemon Squeezy-compatible API answers as `meta.product_id` (absent: the product's `number`)." }),
});

/** POST /plans: the plan's fields as the console takes them (lib/catalog/plan-schema.ts), on a product. */
export const createPlanSchema = z
  .object({
    product: slug.meta({ description: "An existing product; an unknown one answers 400.", examples: ["zenpad"] }),
    slug: slug.meta({ description: "Unique across all products.", examples: ["zenpad-pro"] }),
  })
  .extend(planColumns.shape);

/**
 * PATCH /plans/{slug}: any of the plan's fields (the same bounds as POST); only those given change.
 * The product and slug are fixed: checkouts in flight and API users name the plan by its slug.
 */
export const updatePlanSchema = planChanges.meta({ minProperties: 1 });

export const createLicenseSchema = z.object({
  plan: slug.meta({ description: "An existing plan; an unknown one answers 400.", examples: ["zenpad-pro"] }),
  email: email.meta({ description: "The customer who owns the license; an account is created for a new address.", examples: ["ada@example.com"] }),
  // undefined: the plan's durationDays decides; null: perpetual.
  expiresAt: instant
    .nullable()
    .optional()
    .meta({ description: "With a zone (`Z` or `±hh:mm`). Absent: the plan's `durationDays` decides; `null`: perpetual." }),
  maxMachines: maxMachines.nullable().optional().meta({ description: "Overrides the plan's seats for this license; absent or `null`: the plan's." }),
  key: z
    .string()
    .trim()
    .regex(FOREIGN_KEY_PATTERN, "A license key is 8-256 printable ASCII characters")
    .optional()
    .meta({
      description:
        "An existing key from another system, for migrations: 8-256 printable ASCII characters, any format, stored and matched like issued keys. A key that exists already answers 409. Absent: a new key is issued.",
      examples: ["38b1460a-5104-4067-a91d-77b872934d51"],
    }),
  createdAt: instant.optional().meta({ description: "When the license was issued in the system it comes from; the plan's term counts from it." }),
});

export const updateLicenseSchema = z
  .object({
    status: licenseStatus.optional().meta({ description: "`EXPIRED` is not set by hand: it follows from `expiresAt`." }),
    expiresAt: instant.nullable().optional().meta({ description: "With a zone (`Z` or `±hh:mm`); `null`: perpetual." }),
    // null clears the per-license override: the plan's seats apply again.
    maxMachines: maxMachines.nullable().optional().meta({ description: "The license's own seats; `null` clears the override so the plan's apply." }),
    plan: slug.optional().meta({ description: "Move the license to another plan; an unknown one answers 400.", examples: ["zenpad-team"] }),
    email: email.optional().meta({
      description:
        "Move the license to the customer with this address (an account is created for a new one). Its key and machines stay as they are; recorded in the audit log and sent as `license.updated` with `changes.email`.",
      examples: ["grace@example.com"],
    }),
  })
  // A body with none of the fields is refused by the handler ("Nothing to change"); the document says so.
  .meta({ minProperties: 1 });

export const listLicensesQuery = z.object({
  email: email.optional().meta({ description: "Only licenses of this customer.", examples: ["ada@example.com"] }),
  // EXPIRED is a filter on the effective status, so it is allowed here (not in PATCH).
  status: z
    .enum(["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"])
    .optional()
    .meta({ description: "Only licenses in this status; `EXPIRED` includes active licenses past their expiry.", examples: ["ACTIVE"] }),
  plan: slug.optional().meta({ description: "Only licenses of this plan (slug).", examples: ["zenpad-pro"] }),
  limit: integerText(1, 500, "Page size, 1-500.").default(100).meta({ examples: ["100"] }),
  offset: integerText(0, 999_999_999, "Licenses to skip, for the next page.").default(0).meta({ examples: ["0"] }),
});

export const listPlansQuery = z.object({ product: slug.optional().meta({ description: "Only this product's plans (slug).", examples: ["zenpad"] }) });

export const listCustomersQuery = z.object({
  // Exact, case-insensitive equality (API.md "Input domain"), never a pattern.
  email: email.optional().meta({ description: "Only the customer with this address (exact, case-insensitive).", examples: ["ada@example.com"] }),
  limit: integerText(1, 500, "Page size, 1-500.").default(100).meta({ examples: ["100"] }),
  offset: integerText(0, 999_999_999, "Customers to skip, for the next page.").default(0).meta({ examples: ["0"] }),
});

export const exportQuery = z.object({
  format: z.enum(["json", "csv"]).default("json").meta({ description: "`json` (default) or `csv`." }),
  // Keys leave the portal only when asked for by name: keys=true.
  keys: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .meta({ description: "`true` to include license keys (licenses and machines only); the export is audited either way." }),
});

/**
 * Validates query parameters. An empty value counts as absent (`?email=&status=ACTIVE`
 * is how forms and the contract's own template send them). A name given twice with
 * values (`?email=a@x.test&email=b@x.test`, `?limit=1&limit=500`) is a 400 naming it:
 * which one counts would be a guess (frameworks differ: first, last or an array), and
 * two addresses in one filter is an input holding several addresses (API.md).
 */
export function parseQuery<T>(query: URLSearchParams, schema: z.ZodType<T>): T {
  const entries = [...query].filter(([, value]) => value !== "");
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const [name] of entries) (seen.has(name) ? repeated : seen).add(name);
  if (repeated.size > 0) {
    const issues = [...repeated].map((name) => ({ path: name, message: "Given more than once; send it once" }));
    throw new ApiError("BAD_REQUEST", "Invalid query parameters", { issues });
  }
  const result = schema.safeParse(Object.fromEntries(entries));
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  throw new ApiError("BAD_REQUEST", "Invalid query parameters", { issues });
}
