// A signed-in customer's orders: every payment Stripe collected from them (purchases and
// subscription invoices, from the payments table the webhook keeps), with its refunds and dispute,
// and the way to its receipt or invoice at Stripe. Ownership is part of every query.
import { minorUnits } from "../catalog/money";
import { prisma } from "../db/client";
import { componentLogger } from "../logging/logger";
import { stripe } from "../payments/stripe-client";
import { isMissingStripeObject, isStripeUnavailable } from "../payments/stripe-errors";
import { parseId } from "./ids";

export type OrderStatus = "paid" | "refunded" | "partially_refunded" | "disputed";

/** Amounts in the currency's minor units (lib/catalog/money.ts). */
export type Order = {
  id: string;
  paidAt: Date;
  productName: string | null;
  planName: string | null;
  /** "purchase" (a checkout), "renewal" (a later subscription invoice) or "change" (of plan or seats: a prorated invoice, an upgrade checkout) */
  kind: "purchase" | "renewal" | "change";
  amount: number;
  currency: string;
  amountRefunded: number;
  status: OrderStatus;
  refunds: { id: string; at: Date; amount: number }[];
  /** the license it paid for, while it is still this customer's (null: none, or given to someone else) */
  licenseId: string | null;
  /** the license it paid for now belongs to someone else (a gift, or moved by the vendor) */
  givenAway: boolean;
  /** Stripe's page for it, a hosted invoice or a charge receipt (null: none): /account/orders/{id}/receipt leads there */
  receipt: "invoice" | "receipt" | null;
};

/** A dispute outranks refunds (the money is contested); a refund of everything is "refunded". */
export function orderStatus(p: { amountCents: bigint | number; amountRefundedCents: bigint | number; disputedAt: Date | null }): OrderStatus {
  if (p.disputedAt) return "disputed";
  const refunded = minorUnits(p.amountRefundedCents);
  if (refunded > 0 && refunded >= minorUnits(p.amountCents)) return "refunded";
  return refunded > 0 ? "partially_refunded" : "paid";
}

/** What a payment paid for; rows written before the column existed: a checkout's is a purchase, an invoice's a renewal. */
function orderKind(p: { kind: string | null; stripeCheckoutSessionId: string | null }): Order["kind"] {
  if (p.kind === "purchase" || p.kind === "renewal" || p.kind === "change") return p.kind;
  return p.stripeCheckoutSessionId ? "purchase" : "renewal";
}

/** The user's orders, newest first (at most `limit`, default 100). */
export async function listOrdersForUser(userId: string, limit = 100): Promise<Order[]> {
  if (!parseId(userId)) return [];
  const rows = await prisma().payment.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take: limit,
    include: {
      plan: { include: { product: { select: { name: true } } } },
      refunds: { orderBy: { createdAt: "asc" } },
      license: { select: { userId: true } },
    },
  });
  return rows.map((p) => ({
    id: p.id,
    paidAt: p.createdAt,
    productName: p.plan?.product.name ?? null,
    planName: p.plan?.name ?? null,
    kind: orderKind(p),
    amount: minorUnits(p.amountCents),
    currency: p.currency,
    amountRefunded: minorUnits(p.amountRefundedCents),
    status: orderStatus(p),
    refunds: p.refunds.map((r) => ({ id: r.id, at: r.createdAt, amount: minorUnits(r.amountCents) })),
    // A license given away is no longer this customer's to open (its page answers 404): the order stays, without the link.
    licenseId: p.license?.userId === userId ? p.licenseId : null,
    givenAway: p.license !== null && p.license.userId !== userId,
    receipt: p.stripeInvoiceId ? "invoice" : p.stripePaymentIntentId ? "receipt" : null,
  }));
}

export type ReceiptLookup = { url: string } | { problem: "not_found" | "missing" | "unavailable" };

/**
 * Where the receipt of one of the user's orders is: a subscription invoice's `hosted_invoice_url`,
 * else the one-time charge's `receipt_url`, read from Stripe when asked for (Stripe keeps them
 * current; nothing is stored). `not_found`: not this user's order, or one without a Stripe record;
 * `missing`: Stripe no longer knows it; `unavailable`: Stripe did not answer.
 */
export async function receiptUrlForUser(userId: string, paymentIdInput: unknown): Promise<ReceiptLookup> {
  const id = parseId(paymentIdInput);
  if (!id || !parseId(userId)) return { problem: "not_found" };
  const payment = await prisma().payment.findFirst({ where: { id, userId }, select: { stripeInvoiceId: true, stripePaymentIntentId: true } });
  if (!payment) return { problem: "not_found" };
  try {
    if (payment.stripeInvoiceId) {
      const invoice = await stripe().invoices.retrieve(payment.stripeInvoiceId);
      const url = invoice.hosted_invoice_url ?? invoice.invoice_pdf;
      return url ? { url } : { problem: "missing" };
    }
    if (payment.stripePaymentIntentId) {
      const intent = await stripe().paymentIntents.retrieve(payment.stripePaymentIntentId, { expand: ["latest_charge"] });
      const charge = intent.latest_charge;
      const url = charge && typeof charge === "object" ? charge.receipt_url : null;
      return url ? { url } : { problem: "missing" };
    }
  } catch (error) {
    if (isMissingStripeObject(error)) return { problem: "missing" };
    if (isStripeUnavailable(error)) {
      componentLogger("payments").warn({ err: error }, "Stripe did not answer for a receipt");
      return { problem: "unavailable" };
    }
    throw error;
  }
  return { problem: "not_found" };
}
