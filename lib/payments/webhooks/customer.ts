// The portal account a paid Checkout Session belongs to.
import type Stripe from "stripe";
import { accountByAddress } from "../../auth/account-by-email";
import { scrubText, vouchedEmailIdentity } from "../../http/input";
import type { Prisma, User } from "../../generated/prisma/client";
import { ApiError } from "../../http/errors";
import { idOf } from "./stripe-objects";

type Tx = Prisma.TransactionClient;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in buyer named by `client_reference_id` when that user exists, else
 * the account of the email entered at checkout: its identity form (exact,
 * case-insensitive equality; lib/http/input.ts), created when new. Stripe checks
 * addresses itself; one we would not accept from a form is still the paying
 * customer's, so it is kept trimmed and lower-cased rather than refused.
 */
export async function buyerOf(tx: Tx, session: Stripe.Checkout.Session): Promise<User> {
  const ref = session.client_reference_id;
  const referenced = ref && UUID.test(ref) ? await tx.user.findUnique({ where: { id: ref } }) : null;
  if (referenced) return referenced;

  const email = scrubText(session.customer_details?.email?.trim() ?? "");
  if (!email) throw new ApiError("BAD_REQUEST", `Checkout session ${session.id} has no customer email and no known client_reference_id`);
  return accountByAddress(tx, vouchedEmailIdentity(email));
}

/**
 * Links the account to its Stripe customer when it has none yet. A customer id
 * already held by another account stays there (it is unique): the first
 * account to buy with it keeps it.
 */
export async function linkStripeCustomer(tx: Tx, user: User, session: Stripe.Checkout.Session): Promise<void> {
  const customerId = idOf(session.customer);
  if (!customerId || user.stripeCustomerId) return;
  if (await tx.user.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } })) return;
  await tx.user.update({ where: { id: user.id }, data: { stripeCustomerId: customerId } });
}
