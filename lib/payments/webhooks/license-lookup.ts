// Finding the license a Stripe object is about, row-locked for the change to come
// (the admin console locks the same row before its own updates).
import type { License, Prisma } from "../../generated/prisma/client";
import type { HandlerContext } from "./context";
import { invoiceOfPaymentIntent } from "./event-log";

type Tx = Prisma.TransactionClient;

/** The first license matching `where`, locked FOR UPDATE for the rest of the transaction; null when none. */
export async function lockedLicense(tx: Tx, where: Prisma.LicenseWhereInput): Promise<License | null> {
  const found = await tx.license.findFirst({ where, select: { id: true }, orderBy: { createdAt: "asc" } });
  if (!found) return null;
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM licenses WHERE id = ${found.id}::uuid FOR UPDATE`;
  return rows.length > 0 ? tx.license.findUnique({ where: { id: found.id } }) : null;
}

export function licenseOfSubscription(ctx: HandlerContext, subscriptionId: string | null): Promise<License | null> {
  return subscriptionId ? lockedLicense(ctx.tx, { stripeSubscriptionId: subscriptionId }) : Promise.resolve(null);
}

/**
 * The license a payment intent paid for: a one-time purchase names it on the
 * license; a subscription's payment is traced through its invoice to the
 * Payment row recorded for that invoice.
 */
export async function licenseOfPaymentIntent(ctx: HandlerContext, paymentIntentId: string | null): Promise<License | null> {
  if (!paymentIntentId) return null;
  const direct = await lockedLicense(ctx.tx, { stripePaymentIntentId: paymentIntentId });
  if (direct) return direct;
  const invoiceId = await invoiceOfPaymentIntent(ctx.tx, paymentIntentId);
  if (!invoiceId) return null;
  const payment = await ctx.tx.payment.findUnique({ where: { stripeInvoiceId: invoiceId }, select: { licenseId: true } });
  return payment?.licenseId ? lockedLicense(ctx.tx, { id: payment.licenseId }) : null;
}
