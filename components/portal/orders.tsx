import Link from "next/link";
import { formatMoney } from "@/lib/catalog/money";
import type { Order, OrderStatus } from "@/lib/portal/orders";
import { DateTime } from "./date-time";

/** Beside the plan's name: a first purchase needs no word; a prorated invoice or upgrade is no renewal. */
const KIND_LABEL: Record<Order["kind"], string> = { purchase: "", renewal: " · renewal", change: " · change of plan or seats" };

const STATUS: Record<OrderStatus, { label: string; style: string }> = {
  paid: { label: "Paid", style: "bg-emerald-100 text-emerald-900" },
  refunded: { label: "Refunded", style: "bg-slate-200 text-slate-800" },
  partially_refunded: { label: "Partially refunded", style: "bg-amber-100 text-amber-900" },
  disputed: { label: "Disputed", style: "bg-red-100 text-red-900" },
};

const RECEIPT_PROBLEMS: Record<string, string> = {
  not_found: "There is no receipt for that order.",
  missing: "Our payment provider no longer has that receipt. Please contact us if you need a copy.",
  unavailable: "Our payment provider is not answering right now. Try the receipt again in a few minutes.",
};

/**
 * "Orders and invoices": every payment with its date, plan, amount (in its currency's own decimals),
 * status and a link to Stripe's receipt or invoice; refunds listed under the order they refund.
 * `receiptProblem`: why the last receipt could not be opened (`?receipt=` after the redirect).
 */
export function Orders({ orders, receiptProblem }: { orders: Order[]; receiptProblem?: string }) {
  return (
    <section aria-labelledby="orders" className="space-y-3">
      <h2 id="orders" className="text-xl font-semibold tracking-tight">
        Orders and invoices
      </h2>
      {receiptProblem && Object.hasOwn(RECEIPT_PROBLEMS, receiptProblem) && (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {RECEIPT_PROBLEMS[receiptProblem]}
        </p>
      )}
      {orders.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-5 text-sm text-slate-700">No orders yet.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {orders.map((o) => (
            <li key={o.id} className="space-y-1 p-4" data-order={o.id}>
              <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
                <p className="min-w-0 font-medium break-words">
                  {o.productName && o.planName ? `${o.productName} — ${o.planName}` : "Payment"}
                  <span className="font-normal text-slate-600">{KIND_LABEL[o.kind]}</span>
                </p>
                <p className="font-medium whitespace-nowrap" data-testid="order-amount">
                  {formatMoney(o.amount, o.currency)}
                </p>
              </div>
              <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-700">
                <DateTime value={o.paidAt} withTime={false} />
                <span className={`inline-block rounded px-2 py-0.5 text-xs font-semibold ${STATUS[o.status].style}`} data-testid="order-status">
                  {STATUS[o.status].label}
                </span>
                {o.receipt && (
                  <a href={`/account/orders/${o.id}/receipt`} className="font-medium text-indigo-700 underline">
                    {o.receipt === "invoice" ? "Invoice" : "Receipt"}
                    <span className="sr-only"> of the payment of {formatMoney(o.amount, o.currency)}</span>
                  </a>
                )}
                {o.licenseId && (
                  <Link prefetch={false} href={`/account/licenses/${o.licenseId}`} className="text-indigo-700 underline">
                    License
                  </Link>
                )}
                {o.givenAway && <span className="text-slate-600">License given to someone else</span>}
              </div>
              {o.refunds.length > 0 && (
                <ul className="mt-1 space-y-0.5 text-sm text-slate-700" aria-label="Refunds">
                  {o.refunds.map((r) => (
                    <li key={r.id} data-testid="order-refund">
                      Refunded {formatMoney(r.amount, o.currency)} on <DateTime value={r.at} withTime={false} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
