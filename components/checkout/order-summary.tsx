import { formatMoney } from "@/lib/catalog/money";
import type { OrderSummary as Summary } from "@/lib/payments/checkout-session";

/** What was bought, for how much and with which address: the success page's receipt in brief. */
export function OrderSummary({ order }: { order: Summary }) {
  const price = formatMoney(order.amount, order.currency);
  return (
    <section aria-labelledby="order-summary" className="rounded-lg border border-slate-200 bg-white p-5" data-testid="order-summary">
      <h2 id="order-summary" className="text-lg font-semibold">
        Order summary
      </h2>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
        <dt className="text-slate-500">Product</dt>
        <dd>
          {order.productName} — {order.planName}
        </dd>
        <dt className="text-slate-500">{order.interval ? "Subscription" : "Paid"}</dt>
        <dd>{order.interval ? `${price} per ${order.interval}, renews automatically` : `${price}, one-time payment`}</dd>
        {order.email && (
          <>
            <dt className="text-slate-500">Email</dt>
            <dd className="break-words">{order.email}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
