// What the webhook reads of a Stripe event, checked before anything acts on it.
// A signed event is Stripe's word, but only on what Stripe sends: an event
// signed with our secret by anyone else (a test tool, a misconfigured proxy,
// another application replaying payloads), an endpoint on an unexpected API
// version, or a hand-edited re-run can carry a number where an id belongs, a
// `created` that is not a time, a 1e300 amount or an object nested thousands of
// levels deep. Before these checks each of those reached a handler or a query
// and answered 500 (a TypeError, a Prisma validation error, a bigint cast), and
// a stored `created` that was not a number broke the ordering query of every
// later event of the same subscription.
//
// Two layers, both answering 400 (never 5xx: API.md "Input domain"):
// - the envelope (checkStripeEnvelope, in verify.ts before anything is
//   written): id, type, created, data.object, data.previous_attributes, the
//   nesting depth, and the subject ids PostgreSQL indexes (stripe_events'
//   generated subscription_id / payment_intent_id). An envelope that fails is
//   not recorded: it cannot be stored or ordered.
// - the object of a handled type (checkStripeObject, in process-event.ts): only
//   the fields its handler reads, each with Stripe's type and a range our
//   columns hold. Other fields are not looked at (objects stay loose, so new
//   Stripe fields pass). A failing object is recorded FAILED with the reason,
//   for a re-run once whatever sent it is mended.
import { z } from "zod";
import { ApiError } from "../../http/errors";

/** Stripe object ids are at most 255 characters (Stripe's API reference); longer ones could not be indexed either. */
const stripeId = z.string().min(1).max(255);
/** An expandable reference: the id, or the expanded object with its id. */
const ref = z.union([stripeId, z.looseObject({ id: stripeId })]).nullish();
/** Unix seconds within the instants the portal accepts and stores (up to 9999-12-31T23:59:59Z). */
const unixSeconds = z.number().int().min(0).max(253_402_300_799);
/** An amount in minor units: a whole number JavaScript holds exactly (payments.amount_cents is bigint). */
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A three-letter ISO currency code, as Stripe sends it (lower case). */
const currency = z.string().regex(/^[A-Za-z]{3}$/, "Must be a three-letter ISO currency code");

/** Deepest nesting of objects and arrays accepted: Stripe's objects, expanded, stay far below it. */
export const MAX_EVENT_DEPTH = 64;

/**
 * True when `value` nests objects and arrays no deeper than `limit` levels. Iterative, so a body of
 * a million `[` cannot overflow the stack (JSON.parse builds such a value happily; every recursive
 * walk after it, ours or JSON.stringify's, throws RangeError).
 */
export function nestsWithin(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth + 1 > limit) return false;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return true;
}

const envelope = z.looseObject({
  id: stripeId,
  type: z.string().min(1).max(255),
  created: unixSeconds,
  data: z.looseObject({
    object: z.looseObject({}),
    previous_attributes: z.looseObject({}).nullish(),
  }),
});

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(event)"}: ${issue.message}`)
    .join("; ");
}

/** The strings PostgreSQL extracts into the indexed columns, wherever the payload puts them. */
function indexedStrings(object: Record<string, unknown>): unknown[] {
  const field = (value: unknown, key: string): unknown => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined);
  return [
    object.id,
    object.subscription,
    object.payment_intent,
    field(field(object.parent, "subscription_details"), "subscription"),
    field(object.payment, "payment_intent"),
  ];
}

/**
 * Checks what every event must be before it is recorded: nested at most MAX_EVENT_DEPTH levels, an
 * `id` and `type` (1–255 characters), `created` in Unix seconds, `data.object` an object and
 * `data.previous_attributes` an object or absent, and the subject ids that are indexed (the object's
 * `id`, `subscription`, `payment_intent`, `parent.subscription_details.subscription`,
 * `payment.payment_intent`) at most 255 characters. Throws ApiError BAD_REQUEST (400) naming the fields otherwise.
 */
export function checkStripeEnvelope(event: unknown): void {
  if (!nestsWithin(event, MAX_EVENT_DEPTH)) {
    throw new ApiError("BAD_REQUEST", `The signed event nests objects or arrays deeper than ${MAX_EVENT_DEPTH} levels`);
  }
  const parsed = envelope.safeParse(event);
  if (!parsed.success) throw new ApiError("BAD_REQUEST", `The signed body is not a Stripe event: ${issuesText(parsed.error)}`);
  // PostgreSQL indexes the text of each (an expanded object's JSON text too): a B-tree entry holds
  // about 2.7 kB, and a Stripe id is at most 255 characters. The depth is bounded above, so this
  // JSON.stringify cannot overflow.
  const tooLong = indexedStrings(parsed.data.data.object).some((v) => v != null && (typeof v === "string" ? v : JSON.stringify(v)).length > 255);
  if (tooLong) throw new ApiError("BAD_REQUEST", "The signed event names a Stripe id longer than 255 characters");
}

const checkoutSession = z.looseObject({
  id: stripeId,
  mode: z.string().max(64).nullish(),
  payment_status: z.string().max(64).nullish(),
  metadata: z
    .looseObject({
      // Set by lib/payments/checkout.ts. `plan` and `license` need no check: a value that is not a
      // string is "not ours" (checkout-session-completed.ts) or no upgrade.
      trial: z
        .string()
        .regex(/^\d{1,4}$/, "Must be a whole number of days")
        .refine((days) => Number(days) <= 730, "Stripe trials last at most 730 days")
        .nullish(),
    })
    .nullish(),
  client_reference_id: z.string().max(255).nullish(),
  customer_details: z.looseObject({ email: z.string().max(1024).nullish() }).nullish(),
  customer: ref,
  subscription: ref,
  payment_intent: ref,
  invoice: ref,
  amount_total: amount.nullish(),
  currency: currency.nullish(),
});

const invoiceSubjects = {
  id: stripeId,
  subscription: ref,
  parent: z.looseObject({ subscription_details: z.looseObject({ subscription: ref }).nullish() }).nullish(),
};

const paidInvoice = z.looseObject({
  ...invoiceSubjects,
  billing_reason: z.string().max(64).nullish(),
  amount_paid: amount,
  currency,
  lines: z.looseObject({ data: z.array(z.looseObject({ period: z.looseObject({ end: unixSeconds }) })) }),
});

const subscription = z.looseObject({ id: stripeId });

const updatedSubscription = z.looseObject({
  id: stripeId,
  status: z.string().max(64),
  cancel_at_period_end: z.boolean().nullish(),
  cancel_at: unixSeconds.nullish(),
  items: z.looseObject({
    data: z.array(
      z.looseObject({
        // Per item since API version 2025-03-31; an endpoint on an older version sends none here.
        current_period_end: unixSeconds.nullish(),
        price: z.looseObject({ id: stripeId }),
        // quantity × a plan's machines (at most 10,000) stays inside licenses.max_machines (int4).
        quantity: z.number().int().min(0).max(10_000).nullish(),
      }),
    ),
  }),
});

const refundedCharge = z.looseObject({
  id: stripeId,
  payment_intent: ref,
  amount,
  amount_refunded: amount,
  refunded: z.boolean().nullish(),
  currency,
  refunds: z
    .looseObject({
      data: z.array(z.looseObject({ id: stripeId, amount, created: unixSeconds, status: z.string().max(64).nullish() })),
    })
    .nullish(),
});

const dispute = z.looseObject({ id: stripeId, payment_intent: ref, created: unixSeconds });

/** The shape of `data.object` each handled event type's handler relies on (lib/payments/webhooks/handlers). */
const OBJECT_SHAPES: Record<string, z.ZodType> = {
  "checkout.session.completed": checkoutSession,
  "checkout.session.async_payment_succeeded": checkoutSession,
  "invoice.paid": paidInvoice,
  "invoice.payment_failed": z.looseObject(invoiceSubjects),
  "invoice_payment.paid": z.looseObject({ id: stripeId }),
  "customer.subscription.updated": updatedSubscription,
  "customer.subscription.deleted": subscription,
  "charge.refunded": refundedCharge,
  "charge.dispute.created": dispute,
};

/**
 * Checks the `data.object` of an event of a handled type against what its handler reads; types the
 * portal does not handle are not looked at. Throws ApiError BAD_REQUEST (400) naming the first
 * fields that are not what Stripe sends.
 */
export function checkStripeObject(type: string, object: unknown): void {
  const shape = Object.hasOwn(OBJECT_SHAPES, type) ? OBJECT_SHAPES[type] : undefined;
  if (!shape) return;
  const parsed = shape.safeParse(object);
  if (!parsed.success) throw new ApiError("BAD_REQUEST", `The ${type} object is not what Stripe sends: ${issuesText(parsed.error)}`);
}
