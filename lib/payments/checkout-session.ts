// After the hosted checkout: what the success page may say about a Checkout Session. Whether its
// license exists yet (the webhook mints it), whether Stripe knows the session at all, and the order
// it was for.
import { prisma } from "../db/client";
import { componentLogger } from "../logging/logger";
import { stripe } from "./stripe-client";
import { isMissingStripeObject } from "./stripe-errors";

export type CheckoutStatus =
  | { state: "pending" }
  /** Stripe has no such session: nothing was bought with it, so there is nothing to wait for. */
  | { state: "unknown" }
  | { state: "ready"; licenseId: string; mine: boolean };

/**
 * Whether the webhook has minted the license of a checkout session yet. Only when it has not is
 * Stripe asked whether the session exists (one call per poll while pending, a second or two). Stripe
 * unreachable: "pending" (the page keeps polling; the key also arrives by email).
 */
export async function checkoutStatus(sessionId: string, viewerId: string | null): Promise<CheckoutStatus> {
  const license = await prisma().license.findUnique({
    where: { stripeCheckoutSessionId: sessionId },
    select: { id: true, userId: true },
  });
  if (license) return { state: "ready", licenseId: license.id, mine: license.userId === viewerId };
  return (await sessionKnown(sessionId)) ? { state: "pending" } : { state: "unknown" };
}

async function sessionKnown(sessionId: string): Promise<boolean> {
  try {
    await stripe().checkout.sessions.retrieve(sessionId);
    return true;
  } catch (error) {
    if (isMissingStripeObject(error)) return false;
    componentLogger("payments").warn({ err: error }, "could not look up a checkout session at Stripe");
    return true;
  }
}

/** What the success page shows of the order: amounts in the currency's minor units (lib/catalog/money.ts). */
export type OrderSummary = {
  productName: string;
  planName: string;
  amount: number;
  currency: string;
  /** the address the buyer paid with: where the key and the sign-in link go */
  email: string | null;
  /** "month" | "year" for a subscription, null for a one-time payment */
  interval: string | null;
};

/**
 * The order a Checkout Session was for, read from Stripe (the session) and the catalogue (its
 * plan): "unknown" when Stripe has no such session; null when Stripe is unreachable or the session
 * names no plan of ours.
 */
export async function orderSummary(sessionId: string): Promise<OrderSummary | "unknown" | null> {
  let session;
  try {
    session = await stripe().checkout.sessions.retrieve(sessionId);
  } catch (error) {
    if (isMissingStripeObject(error)) return "unknown";
    componentLogger("payments").warn({ err: error }, "could not read a checkout session at Stripe");
    return null;
  }
  const slug = session.metadata?.plan;
  const plan = slug ? await prisma().plan.findUnique({ where: { slug }, include: { product: { select: { name: true } } } }) : null;
  if (!plan) return null;
  return {
    productName: plan.product.name,
    planName: plan.name,
    amount: session.amount_total ?? 0,
    currency: session.currency ?? plan.currency,
    email: session.customer_details?.email ?? session.customer_email ?? null,
    interval: plan.billingInterval,
  };
}
