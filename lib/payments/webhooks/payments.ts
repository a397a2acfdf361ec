// Revenue: one Payment row per sum of money Stripe collected, never two.
// - A Checkout Session records the purchase: a one-time payment, or a
//   subscription's first payment (the session carries its amount and the id of
//   the subscription's first invoice, stored as stripeInvoiceId).
// - invoice.paid records every later invoice of a subscription; it skips
//   billing_reason "subscription_create", which the checkout recorded.
// - stripeInvoiceId is unique, so an invoice is counted once whatever the order.
// Refunds and disputes are written onto the Payment they concern (refundPayment,
// disputePayment), so the customer's orders show them against their order.
import type Stripe from "stripe";
import { writeAudit } from "../../audit/log";
import { minorUnits } from "../../catalog/money";
import type { License, Payment } from "../../generated/prisma/client";
import { recordPaymentEvent } from "../../webhooks/record";
import type { HandlerContext } from "./context";
import { invoiceOfPaymentIntent } from "./event-log";

export type PaymentInput = {
  userId: string;
  licenseId: string;
  amountCents: number;
  currency: string;
  stripeCheckoutSessionId?: string | null;
  stripeInvoiceId?: string | null;
  /** a one-time payment's intent, whose charge carries the receipt */
  stripePaymentIntentId?: string | null;
  /** the plan paid for; unset: the license's plan at this moment */
  planId?: string | null;
  /** what it paid for: a first purchase, a subscription's renewal, or a change of plan or seats (a proration, an upgrade) */
  kind: "purchase" | "renewal" | "change";
};

export async function recordPayment(ctx: HandlerContext, input: PaymentInput): Promise<void> {
  if (input.stripeInvoiceId && (await ctx.tx.payment.findUnique({ where: { stripeInvoiceId: input.stripeInvoiceId } }))) return;
  const planId = input.planId ?? (await ctx.tx.license.findUnique({ where: { id: input.licenseId }, select: { planId: true } }))?.planId ?? null;
  const payment = await ctx.tx.payment.create({ data: { ...input, planId, currency: input.currency.toLowerCase() } });
  await recordPaymentEvent(ctx.tx, "payment.succeeded", {
    id: payment.id,
    amountCents: minorUnits(payment.amountCents),
    currency: payment.currency,
    licenseId: payment.licenseId,
    stripeId: input.stripeInvoiceId ?? input.stripeCheckoutSessionId ?? null,
  });
  await writeAudit(ctx.tx, {
    actor: ctx.actor,
    action: "payment.create",
    target: { type: "payment", id: payment.id },
    data: {
      event: ctx.event.type,
      licenseId: input.licenseId,
      amountCents: input.amountCents,
      currency: payment.currency,
      stripeCheckoutSessionId: input.stripeCheckoutSessionId ?? null,
      stripeInvoiceId: input.stripeInvoiceId ?? null,
    },
  });
}

/**
 * The Payment row a payment intent paid: a one-time purchase names it (stripePaymentIntentId, or
 * its license's checkout session for rows written before that column); a subscription's payment is
 * traced through its invoice (event-log.ts).
 */
export async function paymentOfPaymentIntent(ctx: HandlerContext, paymentIntentId: string | null, license: License): Promise<Payment | null> {
  if (paymentIntentId) {
    const direct = await ctx.tx.payment.findFirst({ where: { stripePaymentIntentId: paymentIntentId }, orderBy: { createdAt: "asc" } });
    if (direct) return direct;
    const invoiceId = await invoiceOfPaymentIntent(ctx.tx, paymentIntentId);
    const viaInvoice = invoiceId ? await ctx.tx.payment.findUnique({ where: { stripeInvoiceId: invoiceId } }) : null;
    if (viaInvoice) return viaInvoice;
  }
  return license.stripeCheckoutSessionId ? ctx.tx.payment.findUnique({ where: { stripeCheckoutSessionId: license.stripeCheckoutSessionId } }) : null;
}

/**
 * Writes a charge's refunds onto its Payment: one PaymentRefund per Stripe refund the event lists
 * (by its re_ id, so a repeated or reordered event adds nothing), and, when the charge's
 * `amount_refunded` is more than the rows add up to (the list is not expanded in every API
 * version), one row for the difference. The Payment's total only grows: an older event arriving
 * late cannot undo a later refund.
 */
export async function refundPayment(ctx: HandlerContext, payment: Payment, charge: Stripe.Charge): Promise<void> {
  const listed = (charge.refunds?.data ?? []).filter((r) => r.status !== "failed" && r.status !== "canceled");
  await ctx.tx.paymentRefund.createMany({
    data: listed.map((r) => ({ paymentId: payment.id, stripeRefundId: r.id, amountCents: BigInt(r.amount), createdAt: new Date(r.created * 1000) })),
    skipDuplicates: true,
  });
  const recorded = await ctx.tx.paymentRefund.aggregate({ where: { paymentId: payment.id }, _sum: { amountCents: true } });
  const refunded = BigInt(charge.amount_refunded);
  const missing = refunded - (recorded._sum.amountCents ?? 0n);
  if (missing > 0n) await ctx.tx.paymentRefund.create({ data: { paymentId: payment.id, amountCents: missing, createdAt: ctx.now } });
  if (refunded > payment.amountRefundedCents) {
    await ctx.tx.payment.update({ where: { id: payment.id }, data: { amountRefundedCents: refunded } });
  }
}

/** Marks a Payment disputed (charge.dispute.created), once. */
export async function disputePayment(ctx: HandlerContext, payment: Payment, dispute: Stripe.Dispute): Promise<void> {
  if (payment.disputedAt) return;
  await ctx.tx.payment.update({ where: { id: payment.id }, data: { disputedAt: new Date(dispute.created * 1000) } });
}
