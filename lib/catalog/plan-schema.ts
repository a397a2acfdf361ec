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

const entitlementList = z.array(entitlement).max(100);
// Duplicates would only make the plan harder to read; order is kept.
const dedupe = (list: string[]) => [...new Set(list)];
const ENTITLEMENTS_META = { description: "Feature names the license grants; duplicates are dropped." };

// Each field's bounds, without defaults: planColumns adds the defaults for a new
// plan, planChanges makes every field optional for a change (a default there
// would silently reset what the caller left out).
const planFields = {
  name: text({ min: 1, max: 200 }),
  description: text({ max: 2000 }).nullable(),
  maxMachines: z.number().int().min(1).max(10_000).meta({ description: "Machines that may be active at once." }),
  durationDays: z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .nullable()
    .meta({ description: "Sets `expiresAt` to issue time + this many days; `null` or absent: perpetual." }),
  entitlements: entitlementList.transform(dedupe).meta(ENTITLEMENTS_META),
  floating: z.boolean(),
  // Upper bound: one year, far beyond any sensible heartbeat, well inside int4.
  heartbeatSeconds: z
    .number()
    .int()
    .min(10)
    .max(31_536_000)
    .meta({ description: "Floating plans: how long a machine keeps its seat without a heartbeat." }),
  offlineGraceDays: z.number().int().min(0).max(365).meta({ description: "0: no offline license files." }),
  // A year at most: a reminder sent earlier than that is noise, not a reminder.
  reminderDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .meta({
      description:
        "Days before a license ends that its customer is emailed a reminder, once per term: a license without a subscription, a subscription set to end at its period's end, or one whose renewal payment is failing; never a subscription that renews itself. `0`: no reminder.",
    }),
  expirationStrategy: z.enum(["RESTRICT", "MAINTAIN"]).meta({
    description:
      "What an expired license keeps: RESTRICT nothing; MAINTAIN the releases published before it expired (downloads, update feeds, and `validate` with `version`).",
  }),
  stripePriceId: text({ min: 1, max: 255 })
    .nullable()
    .meta({ description: "The Stripe price that sells this plan; unique (a duplicate answers 409)." }),
  /** what the pricing page shows, in the currency's minor units */
  priceCents: z.number().int().min(0).max(999_999_999).nullable(),
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{3}$/, "A three-letter currency code such as usd"),
  billingInterval: z.enum(["month", "year"]).nullable(),
  sortOrder: z.number().int().min(-10_000).max(10_000),
  trialDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .nullable()
    .meta({
      description:
        "Days of free trial the pricing page offers (one trial license per customer and product, expiring after these days; a subscription bought through Stripe Checkout starts with this trial too); `null` or absent: no trial.",
    }),
  /** what the Lemon Squeezy-compatible API answers as meta.variant_id (null: the plan's number) */
  lemonSqueezyVariantId: lemonSqueezyId.nullable(),
};

/** A new plan's fields: what is left out takes the data model's default. */
export const planColumns = z.object({
  ...planFields,
  description: planFields.description.default(null),
  durationDays: planFields.durationDays.default(null),
  entitlements: entitlementList.default([]).transform(dedupe).meta(ENTITLEMENTS_META),
  floating: planFields.floating.default(false),
  heartbeatSeconds: planFields.heartbeatSeconds.default(600),
  offlineGraceDays: planFields.offlineGraceDays.default(7),
  reminderDays: planFields.reminderDays.default(7),
  expirationStrategy: planFields.expirationStrategy.default("RESTRICT"),
  stripePriceId: planFields.stripePriceId.default(null),
  priceCents: planFields.priceCents.default(null),
  currency: planFields.currency.default("usd"),
  billingInterval: planFields.billingInterval.default(null),
  sortOrder: planFields.sortOrder.default(0),
  trialDays: planFields.trialDays.default(null),
  lemonSqueezyVariantId: planFields.lemonSqueezyVariantId.default(null),
});

/** A change of a plan: only the fields given change (the same bounds as planColumns, no defaults). */
export const planChanges = z.object(
  Object.fromEntries(Object.entries(planFields).map(([key, field]) => [key, field.optional()])) as {
    [K in keyof typeof planFields]: z.ZodOptional<(typeof planFields)[K]>;
  },
);

export type PlanColumns = z.output<typeof planColumns>;
