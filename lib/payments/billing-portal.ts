// The customer's way to Stripe's Billing Portal: their card, invoices and subscriptions.
import { prisma } from "../db/client";
import { componentLogger } from "../logging/logger";
import { portalUrl } from "../portal/snippet";
import { stripe } from "./stripe-client";
import { isMissingStripeObject, isStripeUnavailable } from "./stripe-errors";

/**
 * Where "Billing and invoices" and "Update payment method" go: the portal session's URL, or why
 * there is none. `none`: the customer never paid through Stripe (no customer id); `missing`: Stripe
 * no longer knows the customer id we kept (another Stripe account, a deleted customer, or a local
 * emulator whose state was lost); the customer gets a message, never an error page.
 */
export type BillingPortal = { url: string } | { problem: BillingProblem };

export type BillingProblem = "none" | "missing" | "unavailable";

/** A Billing Portal session for a signed-in customer; `returnPath` is where Stripe's "Return" link leads. */
export async function billingPortalFor(userId: string, returnPath = "/account"): Promise<BillingPortal> {
  const user = await prisma().user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true } });
  if (!user?.stripeCustomerId) return { problem: "none" };
  try {
    const session = await stripe().billingPortal.sessions.create({ customer: user.stripeCustomerId, return_url: `${portalUrl()}${returnPath}` });
    return { url: session.url };
  } catch (error) {
    if (isMissingStripeObject(error)) {
      componentLogger("payments").warn({ userId }, "Stripe does not know this customer's Stripe customer id");
      return { problem: "missing" };
    }
    if (isStripeUnavailable(error)) {
      componentLogger("payments").warn({ err: error }, "Stripe could not open a billing portal session");
      return { problem: "unavailable" };
    }
    throw error;
  }
}

/** What the account page says for `?billing=<problem>`. */
export const BILLING_PROBLEMS: Record<BillingProblem, string> = {
  none: "There is no billing account for you yet: it appears after your first subscription payment.",
  missing:
    "We could not open your billing account: our payment provider does not know it any more. Nothing has changed on your licenses; please contact us and we will sort it out.",
  unavailable: "Our payment provider is not answering right now. Nothing has changed on your licenses; try again in a few minutes.",
};
