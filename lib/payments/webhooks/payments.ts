// Revenue: one Payment row per sum of money Stripe collected, never two.
// - A Checkout Session records the purchase: a one-time payment, or a
//   subscription's first payment (the session carries its amount and the id of
//   the subscription's first invoice, stored as stripeInvoiceId).
// - invoice.paid records every later invoice of a subscription; it skips
//   billing_reason "subscription_create", which the checkout recorded.
// - stripeInvoiceId is unique, so an invoice is counted once whatever the order.
import { writeAudit } from "../../audit/log";
import { recordPaymentEvent } from "../../webhooks/record";
import type { HandlerContext } from "./context";

export type PaymentInput = {
  userId: string;
  licenseId: string;
  amountCents: number;
  currency: string;
  stripeCheckoutSessionId?: string | null;
  stripeInvoiceId?: string | null;
};

export async function recordPayment(ctx: HandlerContext, input: PaymentInput): Promise<void> {
  if (input.stripeInvoiceId && (await ctx.tx.payment.findUnique({ where: { stripeInvoiceId: input.stripeInvoiceId } }))) return;
  const payment = await ctx.tx.payment.create({ data: { ...input, currency: input.currency.toLowerCase() } });
  await recordPaymentEvent(ctx.tx, "payment.succeeded", {
    id: payment.id,
    amountCents: payment.amountCents,
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
