// Starting a purchase: a Stripe Checkout Session for a plan. The license is
// minted later by the webhook (checkout.session.completed), never here.
import { prisma } from "../db/client";
import { portalUrl } from "../portal/snippet";
import { stripe } from "./stripe-client";

/** A purchase that cannot start; `code` is what the pricing page explains. */
export class CheckoutError extends Error {
  constructor(readonly code: "plan" | "noprice" | "unavailable", message: string) {
    super(message);
  }
}

/** Creates the session and returns the URL of Stripe's hosted checkout page. */
export async function createCheckoutSession(planSlug: string, buyer: { id: string; email: string } | null): Promise<string> {
  const plan = await prisma().plan.findFirst({
    where: { slug: planSlug, archivedAt: null, product: { archivedAt: null } },
  });
  if (!plan) throw new CheckoutError("plan", "This plan is not on sale.");
  if (!plan.stripePriceId) throw new CheckoutError("noprice", "This plan has no price yet.");
  const user = buyer ? await prisma().user.findUnique({ where: { id: buyer.id } }) : null;
  const subscription = plan.billingInterval != null;
  const metadata = { plan: plan.slug };
  const session = await stripe().checkout.sessions.create({
    mode: subscription ? "subscription" : "payment",
    line_items: [{ price: plan.stripePriceId, quantity: 1 }],
    metadata,
    // Stripe copies these onto the subscription / payment, so later events name the plan too.
    ...(subscription ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
    ...(user ? { client_reference_id: user.id } : {}),
    ...(user?.stripeCustomerId ? { customer: user.stripeCustomerId } : user ? { customer_email: user.email } : {}),
    success_url: `${portalUrl()}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${portalUrl()}/pricing?canceled=1`,
  });
  if (!session.url) throw new CheckoutError("unavailable", "Stripe did not return a checkout page.");
  return session.url;
}

export type CheckoutStatus = { state: "pending" } | { state: "ready"; licenseId: string; mine: boolean };

/** Whether the webhook has minted the license of a checkout session yet. */
export async function checkoutStatus(sessionId: string, viewerId: string | null): Promise<CheckoutStatus> {
  const license = await prisma().license.findUnique({
    where: { stripeCheckoutSessionId: sessionId },
    select: { id: true, userId: true },
  });
  if (!license) return { state: "pending" };
  return { state: "ready", licenseId: license.id, mine: license.userId === viewerId };
}

/** The Stripe Billing Portal for a signed-in customer's subscriptions and invoices. */
export async function billingPortalUrl(userId: string): Promise<string | null> {
  const user = await prisma().user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true } });
  if (!user?.stripeCustomerId) return null;
  const session = await stripe().billingPortal.sessions.create({ customer: user.stripeCustomerId, return_url: `${portalUrl()}/account` });
  return session.url;
}
