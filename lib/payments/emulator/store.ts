import { randomInt } from "node:crypto";

/**
 * The emulator's state, in memory: small typed records. objects.ts renders them as the full
 * Stripe objects the API answers with, so the state stays easy to change and the wire shape lives
 * in one place.
 */

export type Metadata = Record<string, string>;
export type Interval = "month" | "year";

export type PriceConfig = {
  unitAmount: number;
  currency: string;
  recurring: { interval: Interval } | null;
  /** Shown on the hosted checkout page (Stripe's own `price.nickname`). */
  nickname?: string;
};

export type PriceRecord = PriceConfig & { id: string; product: string; created: number };

export type CustomerRecord = {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  metadata: Metadata;
  invoicePrefix: string;
  invoiceCount: number;
};

export type CheckoutSessionRecord = {
  id: string;
  created: number;
  expiresAt: number;
  mode: "payment" | "subscription";
  priceId: string;
  quantity: number;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Metadata;
  subscriptionMetadata: Metadata;
  /** `subscription_data[trial_period_days]`: the subscription starts with this many free days */
  trialPeriodDays: number | null;
  paymentIntentMetadata: Metadata;
  successUrl: string | null;
  cancelUrl: string | null;
  status: "open" | "complete";
  paymentStatus: "unpaid" | "paid" | "no_payment_required";
  /** The email the buyer paid with (customer_details.email). */
  paidEmail: string | null;
  subscription: string | null;
  invoice: string | null;
  paymentIntent: string | null;
};

export type SubscriptionRecord = {
  id: string;
  created: number;
  customer: string;
  priceId: string;
  quantity: number;
  itemId: string;
  status: "active" | "past_due" | "canceled" | "trialing";
  /** the free trial's start and end (Unix seconds), when it began with one */
  trialStart: number | null;
  trialEnd: number | null;
  periodStart: number;
  periodEnd: number;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  endedAt: number | null;
  latestInvoice: string | null;
  metadata: Metadata;
  /**
   * Prorations not invoiced yet (minor units; negative: a credit): a plan or quantity change with
   * `proration_behavior: create_prorations` (or a downgrade's credit), added to the next renewal invoice.
   */
  pendingProration?: number;
};

export type InvoiceRecord = {
  id: string;
  lineId: string;
  created: number;
  number: string;
  customer: string;
  subscription: string | null;
  priceId: string;
  quantity: number;
  /** The service period the invoice line covers. */
  periodStart: number;
  periodEnd: number;
  billingReason: "subscription_create" | "subscription_cycle" | "subscription_update";
  /** the total when it is not price × quantity: a proration (a plan or quantity change mid-period), a trial's 0 */
  amount?: number;
  status: "open" | "paid";
  paidAt: number | null;
  paymentIntent: string;
};

export type PaymentIntentRecord = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string;
  email: string | null;
  status: "succeeded" | "requires_payment_method";
  latestCharge: string | null;
  metadata: Metadata;
};

export type RefundRecord = { id: string; created: number; amount: number };

export type ChargeRecord = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string;
  email: string | null;
  paymentIntent: string;
  refunds: RefundRecord[];
  disputed: boolean;
};

export type DisputeRecord = { id: string; created: number; charge: string; amount: number; currency: string };

export type PortalSessionRecord = { id: string; created: number; customer: string; returnUrl: string | null };

export class Store {
  /** Where the emulator listens (known once it does); hosted page URLs start with it. */
  baseUrl = "";
  prices = new Map<string, PriceRecord>();
  customers = new Map<string, CustomerRecord>();
  checkoutSessions = new Map<string, CheckoutSessionRecord>();
  subscriptions = new Map<string, SubscriptionRecord>();
  invoices = new Map<string, InvoiceRecord>();
  paymentIntents = new Map<string, PaymentIntentRecord>();
  charges = new Map<string, ChargeRecord>();
  disputes = new Map<string, DisputeRecord>();
  portalSessions = new Map<string, PortalSessionRecord>();

  constructor(prices: Record<string, PriceConfig>) {
    for (const [id, config] of Object.entries(prices)) this.addPrice(id, config);
  }

  addPrice(id: string, config: PriceConfig): void {
    this.prices.set(id, { ...config, id, product: stripeId("prod", 14), created: now() });
  }
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** An id that looks like Stripe's: `cus_QXg1o8vcGmoR32`, `sub_1Pgc6rB7WZ01zgkWNy0Cn5nw`. */
export function stripeId(prefix: string, length = 24): string {
  let id = "";
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}_${id}`;
}

/** Unix seconds, Stripe's unit of time. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** The end of one billing period starting at `start` (same day next month or year, in UTC). */
export function addInterval(start: number, interval: Interval): number {
  const date = new Date(start * 1000);
  if (interval === "month") date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCFullYear(date.getUTCFullYear() + 1);
  return Math.floor(date.getTime() / 1000);
}
