// invoice_payment.paid: nothing to change. Its stored row is the one link this
// API version gives from a payment intent to its invoice, which charge.refunded
// and charge.dispute.created follow to a subscription's license (event-log.ts).
import type Stripe from "stripe";
import type { EventHandler } from "../context";

export const invoicePaymentPaid: EventHandler<Stripe.InvoicePayment> = {
  lockKeys: () => [],
  handle: async () => {},
};
