import type { Interval } from "./store";
import { formatMoney } from "../../catalog/money";
import { escapeHtml } from "../../html/escape";

/**
 * The emulator's hosted pages (checkout and billing portal): plain HTML forms that work without
 * JavaScript, so a browser, Playwright or `fetch` can drive them. Every interpolated value is
 * escaped.
 */

/** `amount` in the currency's minor units (Stripe's exponent: lib/catalog/money.ts). */
export function formatPrice(amount: number, currency: string, interval: Interval | null): string {
  const money = formatMoney(amount, currency);
  return interval ? `${money} / ${interval}` : money;
}

function formatDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
.notice{background:#fff7d6;border:1px solid #e6cf6e;padding:.5rem .75rem;font-size:.9rem}
.error{color:#b00020}
label{display:block;margin:.75rem 0 .25rem}
input{width:100%;padding:.5rem;box-sizing:border-box}
button{padding:.5rem 1.25rem;margin:.75rem .5rem 0 0;cursor:pointer}
li{margin:.75rem 0}
</style>
</head>
<body>
<p class="notice">Stripe emulator: a local test stand-in for Stripe. No real payment is made.</p>
${body}
</body>
</html>`;
}

export type CheckoutView = {
  id: string;
  product: string;
  price: string;
  quantity: number;
  email: string | null;
  error?: string;
};

export function checkoutPage(view: CheckoutView): string {
  const id = encodeURIComponent(view.id);
  const email = view.email
    ? `<p>Paying as <strong>${escapeHtml(view.email)}</strong></p>`
    : `<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required>`;
  return layout(
    "Checkout",
    `<h1>Checkout</h1>
<p><strong>${escapeHtml(view.product)}</strong>${view.quantity > 1 ? ` × ${view.quantity}` : ""}</p>
<p>${escapeHtml(view.price)}</p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ""}
<form method="post" action="/checkout/${id}/pay">
${email}
<p>Card: 4242 4242 4242 4242 (test card, always succeeds)</p>
<button type="submit">Pay</button>
</form>
<form method="post" action="/checkout/${id}/cancel">
<button type="submit">Cancel</button>
</form>`,
  );
}

export type PortalView = {
  id: string;
  customerEmail: string | null;
  returnUrl: string | null;
  subscriptions: { id: string; product: string; price: string; status: string; periodEnd: number; cancelAtPeriodEnd: boolean }[];
  /** just back from "Update payment method" */
  cardUpdated?: boolean;
};

export function portalPage(view: PortalView): string {
  const items = view.subscriptions.map((sub) => {
    const ends = sub.cancelAtPeriodEnd ? "Ends" : "Renews";
    const when = sub.status === "canceled" ? "" : ` · ${ends} ${formatDate(sub.periodEnd)}`;
    const cancel =
      sub.status === "canceled"
        ? ""
        : `<form method="post" action="/billing/${encodeURIComponent(view.id)}/subscriptions/${encodeURIComponent(sub.id)}/cancel">
<button type="submit">Cancel subscription</button>
</form>`;
    return `<li><strong>${escapeHtml(sub.product)}</strong> · ${escapeHtml(sub.price)} · <span>${escapeHtml(sub.status)}</span>${escapeHtml(when)}
${cancel}</li>`;
  });
  const pastDue = view.subscriptions.some((sub) => sub.status === "past_due");
  return layout(
    "Billing",
    `<h1>Billing</h1>
${view.customerEmail ? `<p>${escapeHtml(view.customerEmail)}</p>` : ""}
${view.cardUpdated ? `<p role="status">Payment method updated.${pastDue ? "" : " Overdue invoices were paid."}</p>` : ""}
<h2>Payment method</h2>
${pastDue ? `<p class="error" role="alert">Your last payment failed. Update your payment method to pay what is due.</p>` : ""}
<form method="post" action="/billing/${encodeURIComponent(view.id)}/payment-method">
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" value="4242 4242 4242 4242">
<button type="submit">Update payment method</button>
</form>
<h2>Subscriptions</h2>
${items.length ? `<ul>${items.join("\n")}</ul>` : "<p>No subscriptions.</p>"}
${view.returnUrl ? `<p><a href="${escapeHtml(view.returnUrl)}">Return to the portal</a></p>` : ""}`,
  );
}

type Refund = { created: number; amount: string };

function refundList(refunds: Refund[]): string {
  if (refunds.length === 0) return "";
  const items = refunds.map((r) => `<li>Refunded ${escapeHtml(r.amount)} on ${formatDate(r.created)}</li>`);
  return `<h2>Refunds</h2><ul>${items.join("")}</ul>`;
}

export type InvoiceView = {
  number: string;
  created: number;
  email: string | null;
  description: string;
  period: { start: number; end: number };
  total: string;
  status: "open" | "paid";
  refunds: Refund[];
};

/** The hosted invoice page (Stripe's `hosted_invoice_url`). */
export function invoicePage(view: InvoiceView): string {
  return layout(
    `Invoice ${view.number}`,
    `<h1>Invoice ${escapeHtml(view.number)}</h1>
<p>${view.status === "paid" ? "Paid" : "Due"} · issued ${formatDate(view.created)}${view.email ? ` · ${escapeHtml(view.email)}` : ""}</p>
<p><strong>${escapeHtml(view.description)}</strong> · ${formatDate(view.period.start)} – ${formatDate(view.period.end)}</p>
<p>Total: <strong>${escapeHtml(view.total)}</strong></p>
${refundList(view.refunds)}`,
  );
}

export type ReceiptView = { id: string; created: number; email: string | null; description: string; amount: string; refunds: Refund[] };

/** A charge's receipt page (Stripe's `receipt_url`). */
export function receiptPage(view: ReceiptView): string {
  return layout(
    "Receipt",
    `<h1>Receipt</h1>
<p>Paid ${formatDate(view.created)}${view.email ? ` · ${escapeHtml(view.email)}` : ""} · Visa •••• 4242</p>
<p><strong>${escapeHtml(view.description)}</strong></p>
<p>Amount paid: <strong>${escapeHtml(view.amount)}</strong></p>
<p>Receipt for ${escapeHtml(view.id)}</p>
${refundList(view.refunds)}`,
  );
}

export function messagePage(title: string, message: string, link?: { href: string; label: string }): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : ""}`,
  );
}
