import { singleSearchParam, type SearchParamValue } from "@/lib/http/search-params";
import type { Metadata } from "next";
import Link from "next/link";
import { CheckoutProgress } from "@/components/checkout-progress";
import { OrderSummary } from "@/components/checkout/order-summary";
import { currentUser } from "@/lib/auth/session";
import { orderSummary } from "@/lib/payments/checkout-session";
import { revealKey } from "../../account/actions";

export const metadata: Metadata = { title: "Thank you" };

const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

export default async function CheckoutSuccessPage(props: { searchParams: Promise<{ session_id?: SearchParamValue }> }) {
  const sessionId = singleSearchParam((await props.searchParams).session_id);
  if (!sessionId || !SESSION_ID.test(sessionId)) {
    return (
      <div className="mx-auto max-w-lg space-y-6">
        <h1 className="text-3xl font-bold tracking-tight">Thank you for your purchase</h1>
        <p role="alert">This page needs a checkout session. If you paid, your key is on its way by email.</p>
      </div>
    );
  }
  const [user, order] = await Promise.all([currentUser(), orderSummary(sessionId)]);
  if (order === "unknown") {
    // Nothing to wait for: no payment was ever made with this session (a mistyped or forged link).
    return (
      <div className="mx-auto max-w-lg space-y-6">
        <h1 className="text-3xl font-bold tracking-tight">Unknown checkout session</h1>
        <p role="alert" data-testid="unknown-session">
          We have no purchase with this checkout session. Nothing was charged with it. If you did pay, your license key is in
          the email we sent to the address you paid with.
        </p>
        <p>
          <Link href="/pricing" className="font-medium text-indigo-700 underline">
            See the plans
          </Link>
        </p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Thank you for your purchase</h1>
      {order && <OrderSummary order={order} />}
      <CheckoutProgress sessionId={sessionId} signedIn={user != null} reveal={revealKey} />
    </div>
  );
}
