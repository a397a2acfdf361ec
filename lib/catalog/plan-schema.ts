// The one schema of a plan's fields: their bounds and the defaults of what is left out.
// The admin API's POST /plans (JSON) and the console's plan form (strings, converted
// first) both end here, so neither demands a field the other treats as optional and
// both store the same defaults as the data model.
import { z } from "zod";
import { text } from "../http/input";

/** A Lemon Squeezy id (store, product, variant) a vendor brings along: a positive int4. */
export const lemonSqueezyId = z.number().int().min(1).max(2_147_483_647);

export const entitlement = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9_.:-]+$/, "Only letters, digits and _ . : -");

export const planColumns = z.object({
  name: text({ min: 1, max: 200 }),
  description: text({ max: 2000 }).nullable().default(null),
  maxMachines: z.number().int().min(1).max(10_000).meta({ description: "Machines that may be active at once." }),
  durationDays: z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .nullable()
    .default(null)
    .meta({ description: "Sets `expiresAt` to issue time + this many days; `null` or absent: perpetual." }),
  // Duplicates would only make the plan harder to read; order is kept.
  entitlements: z
    .array(entitlement)
    .max(100)
    .default([])
    .transform((list) => [...new Set(list)])
    .meta({ description: "Feature names the license grants; duplicates are dropped." }),
  floating: z.boolean().default(false),
  // Upper bound: one year, far beyond any sensible heartbeat, well inside int4.
  heartbeatSeconds: z
    .number()
    .int()
    .min(10)
    .max(31_536_000)
    .default(600)
    .meta({ description: "Floating plans: how long a machine keeps its seat without a heartbeat." }),
  offlineGraceDays: z.number().int().min(0).max(365).default(7).meta({ description: "0: no offline license files." }),
  expirationStrategy: z.enum(["RESTRICT", "MAINTAIN"]).default("RESTRICT").meta({
    description:
      "What an expired license keeps: RESTRICT nothing; MAINTAIN the releases published before it expired (downloads, update feeds, and `validate` with `version`).",
  }),
  stripePriceId: text({ min: 1, max: 255 })
    .nullable()
    .default(null)
    .meta({ description: "The Stripe price that sells this plan; unique (a duplicate answers 409)." }),
  /** what the pricing page shows, in the currency's minor units */
  priceCents: z.number().int().min(0).max(999_999_999).nullable().default(null),
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{3}$/, "A three-letter currency code such as usd")
    .default("usd"),
  billingInterval: z.enum(["month", "year"]).nullable().default(null),
  sortOrder: z.number().int().min(-10_000).max(10_000).default(0),
  trialDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .nullable()
    .default(null)
    .meta({
      description:
        "Days of free trial the pricing page offers (one trial license per customer and product, expiring after these days; a subscription bought through Stripe Checkout starts with this trial too); `null` or absent: no trial.",
    }),
  /** what the Lemon Squeezy-compatible API answers as meta.variant_id (null: the plan's number) */
  lemonSqueezyVariantId: lemonSqueezyId.nullable().default(null),
});

export type PlanColumns = z.output<typeof planColumns>;
