import type { Metadata } from "next";
import { CheckoutProgress } from "@/components/checkout-progress";
import { currentUser } from "@/lib/auth/session";
import { revealKey } from "../../account/actions";

export const metadata: Metadata = { title: "Thank you" };

export default async function CheckoutSuccessPage(props: { searchParams: Promise<{ session_id?: string }> }) {
  const { session_id: sessionId } = await props.searchParams;
  const user = await currentUser();
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Thank you for your purchase</h1>
      {sessionId && /^cs_[A-Za-z0-9_]+$/.test(sessionId) ? (
        <CheckoutProgress sessionId={sessionId} signedIn={user != null} reveal={revealKey} />
      ) : (
        <p role="alert">This page needs a checkout session. If you paid, your key is on its way by email.</p>
      )}
    </div>
  );
}
