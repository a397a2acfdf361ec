// Test support for the webhook: Stripe objects built from Stripe's own example
// objects (shared/stripe/fixtures3.json, read in place), events signed the way
// Stripe signs them, and delivery through the real route handler.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Stripe from "stripe";
import { POST } from "../../../app/api/stripe/webhook/route";
import { db } from "../../db/client";
import { STRIPE_API_VERSION } from "../stripe-client";

export const WEBHOOK_SECRET = "whsec_test_webhook_secret";
const DAY = 86_400;

/** Environment for webhook tests (license secrets come from vitest.config.ts): call at the top level of the test file. */
export function setWebhookEnv(): void {
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.STRIPE_SECRET_KEY = "sk_test_x";
  delete process.env.STRIPE_API_HOST;
  delete process.env.SMTP_URL;
  process.env.APP_URL = "https://portal.test";
}

type Json = Record<string, unknown>;
let resources: Record<string, Json> | undefined;

/**
 * Stripe's example objects (stripe/openapi's `openapi/fixtures3.json`, MIT), which the project reads
 * and does not copy: `STRIPE_FIXTURES` when set, else `shared/stripe/fixtures3.json` beside the
 * checkout (/work/main -> /work/shared, /work/wt/<name> -> /work/shared).
 * @throws Error naming where to put the file when it is in neither place.
 */
function fixturesFile(): string {
  const candidates = [process.env.STRIPE_FIXTURES, ...["../shared", "../../shared"].map((dir) => path.resolve(process.cwd(), dir, "stripe/fixtures3.json"))];
  const file = candidates.find((f): f is string => !!f && existsSync(f));
  if (!file)
    throw new Error(
      "Stripe's fixtures3.json was not found: set STRIPE_FIXTURES to its path, or place it at ../shared/stripe/fixtures3.json beside the checkout (it is openapi/fixtures3.json of the public stripe/openapi repository; see README, Tests)",
    );
  return file;
}

function fixture(name: string): Json {
  resources ??= JSON.parse(readFileSync(fixturesFile(), "utf8")).resources;
  const found = resources?.[name];
  if (!found) throw new Error(`fixtures3.json has no "${name}"`);
  return structuredClone(found);
}

export const stripeId = (prefix: string) => `${prefix}_test_${randomBytes(8).toString("hex")}`;
export const unix = (date: Date) => Math.floor(date.getTime() / 1000);
export const daysFromNow = (days: number) => unix(new Date()) + days * DAY;

export function checkoutSession(o: {
  plan?: string;
  email?: string | null;
  mode?: "payment" | "subscription";
  paymentStatus?: "paid" | "unpaid" | "no_payment_required";
  subscription?: string | null;
  invoice?: string | null;
  paymentIntent?: string | null;
  customer?: string;
  clientReferenceId?: string | null;
  amountTotal?: number;
}): Json {
  const mode = o.mode ?? "payment";
  const session = fixture("checkout.session");
  const details = session.customer_details as Json;
  return {
    ...session,
    id: stripeId("cs"),
    mode,
    status: "complete",
    payment_status: o.paymentStatus ?? "paid",
    metadata: o.plan === undefined ? {} : { plan: o.plan },
    customer: o.customer ?? stripeId("cus"),
    customer_details: { ...details, email: o.email === undefined ? `buyer-${randomBytes(4).toString("hex")}@example.com` : o.email },
    client_reference_id: o.clientReferenceId ?? null,
    payment_intent: mode === "payment" ? (o.paymentIntent ?? stripeId("pi")) : null,
    subscription: mode === "subscription" ? (o.subscription ?? stripeId("sub")) : null,
    invoice: mode === "subscription" && o.invoice !== null ? (o.invoice ?? stripeId("in")) : null,
    amount_total: o.amountTotal ?? 4900,
    amount_subtotal: o.amountTotal ?? 4900,
    currency: "usd",
    url: null,
  };
}

export function invoice(o: {
  subscription: string;
  periodEnd: number;
  billingReason?: "subscription_create" | "subscription_cycle";
  amountPaid?: number;
  id?: string;
}): Json {
  const base = fixture("invoice");
  const lines = base.lines as { data: Json[] };
  const line = lines.data[0]!;
  const amount = o.amountPaid ?? 1900;
  const id = o.id ?? stripeId("in");
  return {
    ...base,
    id,
    status: "paid",
    billing_reason: o.billingReason ?? "subscription_cycle",
    amount_due: amount,
    amount_paid: amount,
    amount_remaining: 0,
    currency: "usd",
    parent: { type: "subscription_details", quote_details: null, subscription_details: { metadata: {}, subscription: o.subscription } },
    lines: { ...lines, data: [{ ...line, invoice: id, amount, period: { start: o.periodEnd - 30 * DAY, end: o.periodEnd } }] },
  };
}

export function subscription(o: { id: string; status: Stripe.Subscription.Status; periodEnd: number }): Json {
  const base = fixture("subscription");
  const items = base.items as { data: Json[] };
  const item = items.data[0]!;
  return {
    ...base,
    id: o.id,
    status: o.status,
    items: { ...items, data: [{ ...item, subscription: o.id, current_period_start: o.periodEnd - 30 * DAY, current_period_end: o.periodEnd }] },
  };
}

export function charge(o: { paymentIntent: string; amount?: number; refunded?: number }): Json {
  const amount = o.amount ?? 4900;
  const refunded = o.refunded ?? 0;
  return { ...fixture("charge"), id: stripeId("ch"), payment_intent: o.paymentIntent, amount, amount_captured: amount, amount_refunded: refunded, refunded: refunded === amount, captured: true };
}

export function dispute(o: { paymentIntent: string }): Json {
  return { ...fixture("dispute"), id: stripeId("dp"), charge: stripeId("ch"), payment_intent: o.paymentIntent, status: "needs_response" };
}

export function invoicePayment(o: { invoice: string; paymentIntent: string }): Json {
  return { ...fixture("invoice_payment"), id: stripeId("inpay"), invoice: o.invoice, status: "paid", payment: { type: "payment_intent", payment_intent: o.paymentIntent } };
}

export function event(type: string, object: Json, o: { created?: number; id?: string } = {}): Json {
  return {
    ...fixture("event"),
    id: o.id ?? stripeId("evt"),
    type,
    api_version: STRIPE_API_VERSION,
    created: o.created ?? unix(new Date()),
    data: { object },
  };
}

export type Delivery = { status: number; json: Record<string, unknown> };

/**
 * POSTs the event to the route handler, signed with the webhook secret unless
 * `signature` says otherwise (null: no header).
 */
export async function deliver(evt: Json, o: { signature?: string | null; secret?: string; timestamp?: number } = {}): Promise<Delivery> {
  const payload = JSON.stringify(evt);
  const signature =
    o.signature !== undefined
      ? o.signature
      : Stripe.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? WEBHOOK_SECRET, timestamp: o.timestamp });
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set("stripe-signature", signature);
  const response = await POST(new Request("https://portal.test/api/stripe/webhook", { method: "POST", headers, body: payload }));
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Rows straight from the database, in snake_case. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are checked field by field
export async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db().query(text, values)).rows as T[];
}
