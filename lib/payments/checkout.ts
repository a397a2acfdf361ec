// Starting a purchase: a Stripe Checkout Session for a plan. The license is
// minted later by the webhook (checkout.session.completed), never here.
import { prisma } from "../db/client";
import { hasHadTrial } from "../licensing/trials";
import { portalUrl } from "../portal/snippet";
import { stripe } from "./stripe-client";
import { isMissingStripeObject } from "./stripe-errors";

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
  // A subscription plan with a trial starts with Stripe's trial, unless this buyer had a trial of the product.
  const trialDays = subscription && plan.trialDays && !(user && (await hasHadTrial(user.id, plan.productId))) ? plan.trialDays : null;
  const metadata = { plan: plan.slug, ...(trialDays ? { trial: String(trialDays) } : {}) };
  const params = (customer: "id" | "email") => ({
    mode: subscription ? ("subscription" as const) : ("payment" as const),
    line_items: [{ price: plan.stripePriceId!, quantity: 1 }],
    metadata,
    // Stripe copies these onto the subscription / payment, so later events name the plan too.
    ...(subscription
      ? { subscription_data: { metadata, ...(trialDays ? { trial_period_days: trialDays } : {}) } }
      : { payment_intent_data: { metadata } }),
    ...(user ? { client_reference_id: user.id } : {}),
    ...(user?.stripeCustomerId && customer === "id" ? { customer: user.stripeCustomerId } : user ? { customer_email: user.email } : {}),
    success_url: `${portalUrl()}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${portalUrl()}/pricing?canceled=1`,
  });
  let session;
  try {
    session = await stripe().checkout.sessions.create(params("id"));
  } catch (error) {
    // The customer id we kept is unknown to Stripe (another account, a deleted customer, a reset local
    // emulator): buy as a new Stripe customer with the same email rather than refuse the purchase.
    // The stale id is forgotten, so the purchase's new customer is linked to the account (linkStripeCustomer).
    if (!user?.stripeCustomerId || !isMissingStripeObject(error)) throw error;
    await prisma().user.updateMany({ where: { id: user.id, stripeCustomerId: user.stripeCustomerId }, data: { stripeCustomerId: null } });
    session = await stripe().checkout.sessions.create(params("email"));
  }
  if (!session.url) throw new CheckoutError("unavailable", "Stripe did not return a checkout page.");
  return session.url;
}
