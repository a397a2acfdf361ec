// The Stripe events the portal acts on, one handler file each (handlers/). Any
// other event type is recorded as IGNORED and answered 200.
import type Stripe from "stripe";
import type { EventHandler } from "./context";
import { chargeDisputeCreated } from "./handlers/charge-dispute-created";
import { chargeRefunded } from "./handlers/charge-refunded";
import { checkoutSessionCompleted } from "./handlers/checkout-session-completed";
import { customerSubscriptionDeleted } from "./handlers/customer-subscription-deleted";
import { customerSubscriptionUpdated } from "./handlers/customer-subscription-updated";
import { invoicePaid } from "./handlers/invoice-paid";
import { invoicePaymentFailed } from "./handlers/invoice-payment-failed";
import { invoicePaymentPaid } from "./handlers/invoice-payment-paid";

type ObjectOf<T extends Stripe.Event["type"]> = Extract<Stripe.Event, { type: T }>["data"]["object"];

const handlers = {
  "checkout.session.completed": checkoutSessionCompleted,
  "checkout.session.async_payment_succeeded": checkoutSessionCompleted,
  "invoice.paid": invoicePaid,
  "invoice.payment_failed": invoicePaymentFailed,
  "invoice_payment.paid": invoicePaymentPaid,
  "customer.subscription.updated": customerSubscriptionUpdated,
  "customer.subscription.deleted": customerSubscriptionDeleted,
  "charge.refunded": chargeRefunded,
  "charge.dispute.created": chargeDisputeCreated,
} satisfies { [T in Stripe.Event["type"]]?: EventHandler<ObjectOf<T>> };

/** The handler of an event's type, typed loosely: the type string already matched the object's shape. */
export function handlerFor(type: string): EventHandler<unknown> | undefined {
  return Object.hasOwn(handlers, type) ? (handlers[type as keyof typeof handlers] as EventHandler<unknown>) : undefined;
}

/** Types whose events change an existing license, and so may wait for one to be minted. */
export const LICENSE_EVENT_TYPES = Object.keys(handlers).filter((type) => handlerFor(type)?.apply);
