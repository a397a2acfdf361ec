import type { ServerResponse } from "node:http";
import type { Billing } from "./billing";
import { StripeApiError } from "./errors";
import { parseForm } from "./form";
import { checkoutPage, formatPrice, invoicePage, messagePage, portalPage, receiptPage } from "./pages";
import { redirect, sendHtml } from "./respond";
import type { CheckoutSessionRecord, PortalSessionRecord } from "./store";

/**
 * The hosted checkout and billing portal pages: what the buyer sees at the `url` of a Checkout
 * Session or a billing portal session.
 */

export type PageRequest = { method: string; path: string; body: string; query: URLSearchParams };

/** Handles a hosted-page request; returns false when the path is not one of them. */
export async function handlePage(billing: Billing, req: PageRequest, res: ServerResponse): Promise<boolean> {
  const checkout = /^\/checkout\/([^/]+)(\/pay|\/cancel)?$/.exec(req.path);
  if (checkout) {
    const session = billing.store.checkoutSessions.get(decodeURIComponent(checkout[1] ?? ""));
    if (!session) return notFound(res);
    if (req.method === "GET" && !checkout[2]) return showCheckout(billing, session, res);
    if (req.method === "POST" && checkout[2] === "/pay") return pay(billing, session, req.body, res);
    if (req.method === "POST" && checkout[2] === "/cancel") return cancelCheckout(session, res);
  }
  const document = /^\/(invoices|receipts)\/([^/]+)$/.exec(req.path);
  if (document && req.method === "GET") {
    const id = decodeURIComponent(document[2] ?? "");
    return document[1] === "invoices" ? showInvoice(billing, id, res) : showReceipt(billing, id, res);
  }
  const card = /^\/billing\/([^/]+)\/payment-method$/.exec(req.path);
  if (card && req.method === "POST") {
    const session = billing.store.portalSessions.get(decodeURIComponent(card[1] ?? ""));
    if (!session) return notFound(res);
    // Like Stripe, the portal charges the new card for what is overdue before it shows the result.
    await billing.updatePaymentMethod(session.customer).delivered;
    redirect(res, `/billing/${encodeURIComponent(session.id)}?updated=1`);
    return true;
  }
  const portal = /^\/billing\/([^/]+)(?:\/subscriptions\/([^/]+)\/cancel)?$/.exec(req.path);
  if (portal) {
    const session = billing.store.portalSessions.get(decodeURIComponent(portal[1] ?? ""));
    if (!session) return notFound(res);
    if (req.method === "GET" && !portal[2]) return showPortal(billing, session, res, req.query.get("updated") === "1");
    if (req.method === "POST" && portal[2]) {
      const sub = billing.store.subscriptions.get(decodeURIComponent(portal[2]));
      if (!sub || sub.customer !== session.customer) return notFound(res);
      if (sub.status !== "canceled") await billing.cancelSubscription(sub.id).delivered;
      redirect(res, `/billing/${encodeURIComponent(session.id)}`);
      return true;
    }
  }
  return false;
}

/** Stripe's hosted invoice page (`hosted_invoice_url`), in brief: who, what, how much, paid or not. */
function showInvoice(billing: Billing, id: string, res: ServerResponse): true {
  const invoice = billing.store.invoices.get(id);
  if (!invoice) return notFound(res);
  const price = billing.price(invoice.priceId);
  const intent = billing.store.paymentIntents.get(invoice.paymentIntent);
  const charge = intent?.latestCharge ? billing.store.charges.get(intent.latestCharge) : undefined;
  sendHtml(
    res,
    200,
    invoicePage({
      number: invoice.number,
      created: invoice.created,
      email: billing.store.customers.get(invoice.customer)?.email ?? null,
      description: `${invoice.quantity} × ${price.nickname ?? price.id}`,
      period: { start: invoice.periodStart, end: invoice.periodEnd },
      total: formatPrice(price.unitAmount * invoice.quantity, price.currency, null),
      status: invoice.status,
      refunds: (charge?.refunds ?? []).map((r) => ({ created: r.created, amount: formatPrice(r.amount, price.currency, null) })),
    }),
  );
  return true;
}

/** Stripe's receipt page of a charge (`receipt_url`). */
function showReceipt(billing: Billing, id: string, res: ServerResponse): true {
  const charge = billing.store.charges.get(id);
  if (!charge) return notFound(res);
  const intent = billing.store.paymentIntents.get(charge.paymentIntent);
  const session = [...billing.store.checkoutSessions.values()].find((s) => s.paymentIntent === charge.paymentIntent);
  const price = session ? billing.store.prices.get(session.priceId) : undefined;
  sendHtml(
    res,
    200,
    receiptPage({
      id: charge.id,
      created: charge.created,
      email: charge.email ?? intent?.email ?? null,
      description: price?.nickname ?? price?.id ?? "Payment",
      amount: formatPrice(charge.amount, charge.currency, null),
      refunds: charge.refunds.map((r) => ({ created: r.created, amount: formatPrice(r.amount, charge.currency, null) })),
    }),
  );
  return true;
}

function notFound(res: ServerResponse): true {
  sendHtml(res, 404, messagePage("Not found", "This checkout or billing session does not exist in the Stripe emulator."));
  return true;
}

/** The email the buyer pays with when the session already names one. */
function knownEmail(billing: Billing, session: CheckoutSessionRecord): string | null {
  if (session.customer) return billing.store.customers.get(session.customer)?.email ?? null;
  return session.customerEmail;
}

function showCheckout(billing: Billing, session: CheckoutSessionRecord, res: ServerResponse, status = 200, error?: string): true {
  if (session.status !== "open") {
    const done = session.successUrl ? { href: successUrl(session), label: "Continue" } : undefined;
    sendHtml(res, 200, messagePage("Already paid", "This checkout session is complete.", done));
    return true;
  }
  const price = billing.price(session.priceId);
  sendHtml(
    res,
    status,
    checkoutPage({
      id: session.id,
      product: price.nickname ?? price.id,
      price: formatPrice(price.unitAmount * session.quantity, price.currency, price.recurring?.interval ?? null),
      quantity: session.quantity,
      email: knownEmail(billing, session),
      ...(error ? { error } : {}),
    }),
  );
  return true;
}

async function pay(billing: Billing, session: CheckoutSessionRecord, body: string, res: ServerResponse): Promise<true> {
  if (session.status !== "open") return showCheckout(billing, session, res);
  const typed = parseForm(body).email;
  const email = knownEmail(billing, session) ?? (typeof typed === "string" ? typed.trim() : "");
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return showCheckout(billing, session, res, 400, "Enter a valid email address.");
  try {
    // The redirect waits for the webhook, so the success page can already show what it caused.
    await billing.payCheckout(session.id, email).delivered;
  } catch (error) {
    if (error instanceof StripeApiError) return showCheckout(billing, session, res, error.status, error.message);
    throw error;
  }
  if (session.successUrl) redirect(res, successUrl(session));
  else sendHtml(res, 200, messagePage("Payment succeeded", "Thanks for your purchase."));
  return true;
}

function successUrl(session: CheckoutSessionRecord): string {
  return (session.successUrl ?? "").replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

function cancelCheckout(session: CheckoutSessionRecord, res: ServerResponse): true {
  if (session.cancelUrl) redirect(res, session.cancelUrl);
  else sendHtml(res, 200, messagePage("Checkout canceled", "You were not charged."));
  return true;
}

function showPortal(billing: Billing, session: PortalSessionRecord, res: ServerResponse, updated: boolean): true {
  const subscriptions = [...billing.store.subscriptions.values()]
    .filter((sub) => sub.customer === session.customer)
    .sort((a, b) => b.created - a.created)
    .map((sub) => {
      const price = billing.price(sub.priceId);
      return {
        id: sub.id,
        product: price.nickname ?? price.id,
        price: formatPrice(price.unitAmount * sub.quantity, price.currency, price.recurring?.interval ?? null),
        status: sub.status,
        periodEnd: sub.periodEnd,
        cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      };
    });
  const customer = billing.store.customers.get(session.customer);
  sendHtml(
    res,
    200,
    portalPage({ id: session.id, customerEmail: customer?.email ?? null, returnUrl: session.returnUrl, subscriptions, cardUpdated: updated }),
  );
  return true;
}
