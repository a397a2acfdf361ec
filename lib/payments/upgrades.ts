// Changing what a customer bought, from their license page (/account):
// - a subscription changes plan (upgrade, downgrade) and/or quantity through
//   Stripe: the subscription's item is updated with proration, Stripe invoices
//   the difference at once, and customer.subscription.updated applies the new
//   plan and seats to the license (webhooks/handlers/customer-subscription-updated.ts);
// - a one-off license upgrades to a dearer one-off plan of its product through a
//   Checkout Session for the difference;
// - a trial license converts by buying any priced plan of its product.
// The last two carry `metadata.license`: checkout.session.completed then moves
// that license to the bought plan (same key, machines kept) instead of minting one
// (webhooks/license-upgrade.ts).
//
// Seats: a subscription's quantity buys that many times the plan's machines
// (license.maxMachines = quantity × plan.maxMachines; null for one).
import Stripe from "stripe";
import { writeAudit, type AuditEntry } from "../audit/log";
import { prisma } from "../db/client";
import { componentLogger } from "../logging/logger";
import type { Plan } from "../generated/prisma/client";
import { activeMachines } from "../licensing/decision";
import { licenseSnapshot } from "../licensing/snapshot";
import { formatMoney } from "../catalog/money";
import { formatPrice } from "../catalog/plans";
import { auditActor, type PortalUser } from "../portal/actor";
import { parseId } from "../portal/ids";
import { portalUrl } from "../portal/snippet";
import { stripe } from "./stripe-client";

/** A change that cannot be made; `message` is for the customer, as it is. */
export class PlanChangeError extends Error {
  constructor(
    readonly code: "license" | "plan" | "seats" | "unchanged" | "unavailable",
    message: string,
  ) {
    super(message);
  }
}

export type PlanChoice = {
  slug: string;
  name: string;
  /** the plan's price as the pricing page shows it */
  price: string;
  maxMachines: number;
  current: boolean;
  /** one-off upgrades and conversions: what the checkout charges, in words */
  due?: string;
};

export type PlanChangeOffer =
  | { kind: "subscription"; plans: PlanChoice[]; quantity: number; activeMachines: number }
  | { kind: "upgrade" | "convert"; plans: PlanChoice[] }
  | null;

/** Most units a subscription may hold: far above any real seat count, well inside Stripe's and int4's bounds. */
export const MAX_QUANTITY = 1000;

type OwnedLicense = NonNullable<Awaited<ReturnType<typeof ownedLicense>>>;

async function ownedLicense(userId: string, licenseId: string) {
  const id = parseId(licenseId);
  if (!id || !parseId(userId)) return null;
  return prisma().license.findFirst({
    where: { id, userId },
    include: { plan: { include: { product: true } }, machines: { where: { deactivatedAt: null } } },
  });
}

const onSale = (productId: string) => ({ productId, archivedAt: null, stripePriceId: { not: null } });

/** The subscription's quantity as the license shows it (its seats over the plan's). */
function quantityOf(license: OwnedLicense): number {
  const per = license.plan.maxMachines;
  return license.maxMachines && license.maxMachines > per && license.maxMachines % per === 0 ? license.maxMachines / per : 1;
}

/** What a one-off upgrade costs: the difference of the shown prices when both are known in one currency, else the new price. */
function upgradeDue(from: Plan, to: Plan): number | null {
  if (to.priceCents == null) return null;
  if (from.priceCents == null || from.currency !== to.currency) return to.priceCents;
  return to.priceCents - from.priceCents;
}

function choice(plan: Plan, current: Plan, due?: number | null): PlanChoice {
  return {
    slug: plan.slug,
    name: plan.name,
    price: formatPrice(plan),
    maxMachines: plan.maxMachines,
    current: plan.id === current.id,
    ...(due != null ? { due: formatMoney(due, plan.currency) } : {}),
  };
}

/**
 * What the customer may change about their license, or null when nothing: a revoked or suspended
 * license changes nothing; a subscription may move to any subscription plan of its product in its
 * currency and change its quantity; a trial may buy any priced plan of its product; another one-off
 * license may move to a dearer one-off plan of its product (null when there is none).
 */
export async function planChangeOffer(userId: string, licenseId: string, now = new Date()): Promise<PlanChangeOffer> {
  const license = await ownedLicense(userId, licenseId);
  if (!license || license.status === "REVOKED" || license.status === "SUSPENDED") return null;
  const plans = await prisma().plan.findMany({ where: onSale(license.plan.productId), orderBy: [{ sortOrder: "asc" }, { createdAt: "asc" }] });
  if (license.trial) {
    const buyable = plans.filter((p) => p.priceCents != null && p.stripePriceId);
    return buyable.length ? { kind: "convert", plans: buyable.map((p) => choice(p, license.plan, p.priceCents)) } : null;
  }
  if (license.stripeSubscriptionId) {
    const choices = plans.filter((p) => p.billingInterval && (p.id === license.planId || p.currency === license.plan.currency));
    if (!choices.some((p) => p.id === license.planId)) choices.unshift(license.plan);
    const snapshot = licenseSnapshot(license);
    return { kind: "subscription", plans: choices.map((p) => choice(p, license.plan)), quantity: quantityOf(license), activeMachines: activeMachines(snapshot, license.machines, now).length };
  }
  const dearer = plans.filter((p) => !p.billingInterval && p.id !== license.planId && (upgradeDue(license.plan, p) ?? 0) > 0);
  return dearer.length ? { kind: "upgrade", plans: dearer.map((p) => choice(p, license.plan, upgradeDue(license.plan, p))) } : null;
}

/** Stripe answered that it does not know the subscription (another account, a reset emulator): the customer is told, nothing changes. */
function stripeTrouble(error: unknown): PlanChangeError {
  if (error instanceof Stripe.errors.StripeError) {
    return new PlanChangeError("unavailable", "Your subscription could not be changed at Stripe right now; nothing was charged. Please try again later or contact us.");
  }
  throw error;
}

export type SubscriptionChange = { plan: string; name: string; quantity: number; seats: number };

/**
 * Asks Stripe to move the customer's subscription to `planSlug` with `quantity` units, prorated and
 * invoiced at once (`proration_behavior: always_invoice`). The license changes when Stripe's
 * customer.subscription.updated arrives, not here. A change that leaves fewer seats than the
 * license's active machines is refused before Stripe is asked. Once Stripe accepted, the request is
 * audited as the customer's ("license.plan_change", with `ip`).
 * @throws PlanChangeError license (not theirs, not a subscription, not active), plan (not one of
 *   the offer's), seats (below the active machines), unchanged, unavailable (Stripe refused)
 */
export async function changeSubscription(
  user: PortalUser,
  licenseId: string,
  planSlug: string,
  quantity: number,
  ip: string | null,
): Promise<SubscriptionChange> {
  const license = await ownedLicense(user.id, licenseId);
  if (!license?.stripeSubscriptionId) throw new PlanChangeError("license", "This license is not a subscription.");
  const offer = await planChangeOffer(user.id, license.id);
  if (offer?.kind !== "subscription" || license.status !== "ACTIVE") {
    throw new PlanChangeError("license", "Only an active subscription can change its plan or seats.");
  }
  if (!offer.plans.some((p) => p.slug === planSlug)) throw new PlanChangeError("plan", "That plan is not available for this subscription.");
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw new PlanChangeError("seats", `Choose a quantity from 1 to ${MAX_QUANTITY}.`);
  }
  const plan = await prisma().plan.findUniqueOrThrow({ where: { slug: planSlug } });
  const seats = plan.maxMachines * quantity;
  if (seats < offer.activeMachines) {
    const extra = offer.activeMachines - seats;
    throw new PlanChangeError(
      "seats",
      `${offer.activeMachines} machines use this license, more than the ${seats} ${seats === 1 ? "seat" : "seats"} of that choice. ` +
        `Deactivate ${extra} ${extra === 1 ? "machine" : "machines"} first, then change.`,
    );
  }
  if (plan.id === license.planId && quantity === offer.quantity) throw new PlanChangeError("unchanged", "That is your subscription already.");
  try {
    const subscription = await stripe().subscriptions.retrieve(license.stripeSubscriptionId);
    const item = subscription.items.data[0];
    if (!item) throw new PlanChangeError("unavailable", "Your subscription has no item to change; please contact us.");
    await stripe().subscriptions.update(license.stripeSubscriptionId, {
      items: [{ id: item.id, price: plan.stripePriceId!, quantity }],
      proration_behavior: "always_invoice",
      metadata: { plan: plan.slug },
    });
  } catch (error) {
    if (error instanceof PlanChangeError) throw error;
    throw stripeTrouble(error);
  }
  // The license's move is audited by the webhook that makes it (actor: Stripe's event); this entry
  // records who asked for it, and from where. Stripe has changed and invoiced by now: were the
  // entry's write to fail (the database gone), the customer must not be told the change failed and
  // try again, so the entry goes to the log instead.
  const entry: AuditEntry = {
    actor: auditActor(user),
    action: "license.plan_change",
    target: { type: "license", id: license.id },
    ip,
    data: {
      via: "portal",
      subscription: license.stripeSubscriptionId,
      plan: { from: license.plan.slug, to: plan.slug },
      quantity: { from: offer.quantity, to: quantity },
    },
  };
  await writeAudit(prisma(), entry).catch((error: unknown) =>
    componentLogger("payments").error(
      { err: error, userId: user.id, licenseId: license.id, ip, action: entry.action, data: entry.data },
      "a plan change Stripe accepted could not be audited",
    ),
  );
  return { plan: plan.slug, name: plan.name, quantity, seats };
}

/**
 * A Checkout Session that moves the customer's license to `planSlug` when paid: a one-off upgrade
 * (charging the difference of the plans' prices, as a one-time `price_data` line) or a trial's
 * conversion (the plan's own price, one-time or subscription). Returns the hosted checkout URL.
 * @throws PlanChangeError license (no such offer), plan (not one of the offer's), unavailable
 */
export async function createUpgradeCheckout(user: { id: string; email: string }, licenseId: string, planSlug: string): Promise<string> {
  const license = await ownedLicense(user.id, licenseId);
  const offer = license ? await planChangeOffer(user.id, license.id) : null;
  if (!license || !offer || offer.kind === "subscription") throw new PlanChangeError("license", "This license cannot be upgraded by a purchase.");
  if (!offer.plans.some((p) => p.slug === planSlug)) throw new PlanChangeError("plan", "That plan is not available for this license.");
  const plan = await prisma().plan.findUniqueOrThrow({ where: { slug: planSlug }, include: { product: true } });
  const account = await prisma().user.findUnique({ where: { id: user.id }, select: { stripeCustomerId: true } });
  const subscription = plan.billingInterval != null;
  const metadata = { plan: plan.slug, license: license.id };
  const due = offer.kind === "upgrade" ? upgradeDue(license.plan, plan) : null;
  const lineItem =
    due != null && due !== plan.priceCents
      ? { price_data: { currency: plan.currency, unit_amount: due, product_data: { name: `${plan.product.name} ${license.plan.name} → ${plan.name} upgrade` } }, quantity: 1 }
      : { price: plan.stripePriceId!, quantity: 1 };
  try {
    const session = await stripe().checkout.sessions.create({
      mode: subscription ? "subscription" : "payment",
      line_items: [lineItem],
      metadata,
      ...(subscription ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
      client_reference_id: user.id,
      ...(account?.stripeCustomerId ? { customer: account.stripeCustomerId } : { customer_email: user.email }),
      success_url: `${portalUrl()}/account/licenses/${license.id}?upgrade={CHECKOUT_SESSION_ID}`,
      cancel_url: `${portalUrl()}/account/licenses/${license.id}`,
    });
    if (!session.url) throw new PlanChangeError("unavailable", "Stripe did not return a checkout page; please try again.");
    return session.url;
  } catch (error) {
    if (error instanceof PlanChangeError) throw error;
    throw stripeTrouble(error);
  }
}

/** Whether the upgrade paid in checkout session `sessionId` has reached the license (its payment is recorded). */
export async function upgradeApplied(userId: string, licenseId: string, sessionId: string): Promise<boolean> {
  const id = parseId(licenseId);
  if (!id || !parseId(userId)) return false;
  const payment = await prisma().payment.findUnique({ where: { stripeCheckoutSessionId: sessionId }, select: { licenseId: true, license: { select: { userId: true } } } });
  return payment?.licenseId === id && payment.license?.userId === userId;
}
