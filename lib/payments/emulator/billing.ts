import { StripeApiError, noSuch } from "./errors";
import { buildEvent, type EmulatorEvent, type EventRequest, type WebhookSender } from "./events";
import {
  renderCharge,
  renderCheckoutSession,
  renderDispute,
  renderInvoice,
  renderInvoicePayment,
  renderSubscription,
  type StripeObject,
} from "./objects";
import {
  addInterval,
  now,
  stripeId,
  type ChargeRecord,
  type CheckoutSessionRecord,
  type CustomerRecord,
  type InvoiceRecord,
  type Metadata,
  type PortalSessionRecord,
  type PriceRecord,
  type RefundRecord,
  type Store,
  type SubscriptionRecord,
} from "./store";

/**
 * What happens to money and subscriptions, and the events each change sends. The HTTP API, the
 * hosted pages and the test triggers all go through here.
 */

/** The events one change sent, and a promise that settles once the webhook endpoint took them. */
export type Published = { events: EmulatorEvent[]; delivered: Promise<void> };

export class Billing {
  private readonly events = new Map<string, EmulatorEvent>();

  constructor(
    readonly store: Store,
    private readonly webhooks: WebhookSender,
  ) {}

  event(id: string): EmulatorEvent {
    const event = this.events.get(id);
    if (!event) throw noSuch("event", id, "id");
    return event;
  }

  createCustomer(fields: { email: string | null; name: string | null; metadata: Metadata }): CustomerRecord {
    const customer: CustomerRecord = {
      id: stripeId("cus", 14),
      created: now(),
      ...fields,
      invoicePrefix: stripeId("x", 8).slice(2).toUpperCase(),
      invoiceCount: 0,
    };
    this.store.customers.set(customer.id, customer);
    return customer;
  }

  createCheckoutSession(
    fields: Omit<CheckoutSessionRecord, "id" | "created" | "expiresAt" | "status" | "paymentStatus" | "paidEmail" | "subscription" | "invoice" | "paymentIntent">,
  ): CheckoutSessionRecord {
    const created = now();
    const session: CheckoutSessionRecord = {
      ...fields,
      id: stripeId("cs_test", 58),
      created,
      expiresAt: created + 24 * 3600,
      status: "open",
      paymentStatus: "unpaid",
      paidEmail: null,
      subscription: null,
      invoice: null,
      paymentIntent: null,
    };
    this.store.checkoutSessions.set(session.id, session);
    return session;
  }

  createPortalSession(customer: string, returnUrl: string | null): PortalSessionRecord {
    const session = { id: stripeId("bps"), created: now(), customer: this.customer(customer).id, returnUrl };
    this.store.portalSessions.set(session.id, session);
    return session;
  }

  /** The buyer pressed Pay on the hosted checkout page. */
  payCheckout(sessionId: string, email: string): Published {
    const session = this.checkoutSession(sessionId);
    if (session.status !== "open") throw new StripeApiError(400, "This Checkout Session is no longer open.");
    const price = this.price(session.priceId);
    const customer = session.customer ? this.customer(session.customer) : this.createCustomer({ email, name: null, metadata: {} });
    const amount = price.unitAmount * session.quantity;

    const published: EmulatorEvent[] = [];
    if (session.mode === "subscription") {
      const sub = this.startSubscription(session, customer, price);
      // A trial's first invoice is for 0: nothing is charged until the trial ends (renew).
      const invoice = this.createInvoice(sub, "subscription_create", true, sub.trialEnd ? 0 : undefined);
      session.subscription = sub.id;
      session.invoice = invoice.id;
      this.completeSession(session, customer, email, sub.trialEnd ? "no_payment_required" : "paid");
      published.push(
        buildEvent("checkout.session.completed", renderCheckoutSession(this.store, session)),
        buildEvent("customer.subscription.created", renderSubscription(this.store, sub)),
        ...this.paidInvoiceEvents(invoice),
      );
    } else {
      const charge = this.chargeOnce(customer.id, email, amount, price.currency, session.paymentIntentMetadata);
      session.paymentIntent = charge.paymentIntent;
      this.completeSession(session, customer, email);
      published.push(buildEvent("checkout.session.completed", renderCheckoutSession(this.store, session)));
    }
    return this.publish(published);
  }

  updateSubscription(
    id: string,
    changes: { cancelAtPeriodEnd?: boolean; metadata?: Metadata },
    request?: EventRequest,
  ): Published {
    const sub = this.subscription(id);
    if (sub.status === "canceled") throw new StripeApiError(400, "A canceled subscription can only update its metadata.");
    const before = renderSubscription(this.store, sub);
    if (changes.cancelAtPeriodEnd !== undefined) sub.cancelAtPeriodEnd = changes.cancelAtPeriodEnd;
    if (changes.metadata) sub.metadata = { ...sub.metadata, ...changes.metadata };
    return this.publish([this.subscriptionEvent("customer.subscription.updated", sub, { before, request })]);
  }

  /**
   * Changes the subscription's one item: its price (a plan change) and/or quantity, as
   * `POST /v1/subscriptions/:id` with `items[0][id]` does. Prorations, as Stripe computes them for a
   * change within the period: (new amount − old amount) × the unused share of the period. With
   * `always_invoice` a positive proration is invoiced and charged at once (invoice.paid,
   * billing_reason subscription_update); otherwise, and for a credit, it waits for the next renewal
   * invoice. A change of billing interval starts a new period now, as Stripe does. Nothing is prorated
   * during a trial.
   */
  changeItem(
    id: string,
    change: { itemId: string; priceId: string | null; quantity: number | null; prorationBehavior: "create_prorations" | "always_invoice" | "none"; metadata?: Metadata },
    request?: EventRequest,
  ): Published {
    const sub = this.subscription(id);
    if (sub.status === "canceled") throw new StripeApiError(400, "A canceled subscription can only update its metadata.");
    if (change.itemId !== sub.itemId) throw noSuch("subscription_item", change.itemId, "items[0][id]", 400);
    const oldPrice = this.price(sub.priceId);
    const newPrice = change.priceId ? this.price(change.priceId) : oldPrice;
    if (!newPrice.recurring) throw new StripeApiError(400, `The price specified (${newPrice.id}) is not recurring.`, "items[0][price]");
    if (newPrice.currency !== oldPrice.currency) {
      throw new StripeApiError(400, `The price specified is in ${newPrice.currency}, the subscription in ${oldPrice.currency}.`, "items[0][price]");
    }
    const quantity = change.quantity ?? sub.quantity;
    const before = renderSubscription(this.store, sub);
    const at = now();
    const oldAmount = oldPrice.unitAmount * sub.quantity;
    const newAmount = newPrice.unitAmount * quantity;
    let proration = 0;
    if (sub.status !== "trialing" && change.prorationBehavior !== "none") {
      const unused = Math.max(0, sub.periodEnd - at) / Math.max(1, sub.periodEnd - sub.periodStart);
      if (newPrice.recurring.interval !== oldPrice.recurring?.interval) {
        proration = newAmount - Math.round(oldAmount * unused);
        sub.periodStart = at;
        sub.periodEnd = addInterval(at, newPrice.recurring.interval);
      } else {
        proration = Math.round((newAmount - oldAmount) * unused);
      }
    }
    sub.priceId = newPrice.id;
    sub.quantity = quantity;
    if (change.metadata) sub.metadata = { ...sub.metadata, ...change.metadata };
    const events = [this.subscriptionEvent("customer.subscription.updated", sub, { before, request })];
    if (change.prorationBehavior === "always_invoice" && proration > 0) {
      const invoice = this.createInvoice(sub, "subscription_update", true, proration);
      events.push(...this.paidInvoiceEvents(invoice));
    } else if (proration !== 0) {
      sub.pendingProration = (sub.pendingProration ?? 0) + proration;
    }
    return this.publish(events);
  }

  cancelSubscription(id: string, request?: EventRequest): Published {
    const sub = this.subscription(id);
    if (sub.status === "canceled") throw new StripeApiError(400, `This subscription is already canceled: '${id}'`);
    const at = now();
    sub.status = "canceled";
    sub.canceledAt = at;
    sub.endedAt = at;
    return this.publish([this.subscriptionEvent("customer.subscription.deleted", sub, { request })]);
  }

  /**
   * The billing period ends: a subscription set to cancel at period end ends; one with an unpaid
   * invoice gets that invoice paid (a successful retry); any other starts a new paid period.
   */
  renew(id: string): Published {
    const sub = this.subscription(id);
    if (sub.status === "canceled") throw new StripeApiError(400, `This subscription is canceled: '${id}'`);
    if (sub.cancelAtPeriodEnd) {
      sub.status = "canceled";
      sub.canceledAt = sub.endedAt = sub.periodEnd;
      return this.publish([this.subscriptionEvent("customer.subscription.deleted", sub)]);
    }
    const before = renderSubscription(this.store, sub);
    const unpaid = sub.latestInvoice ? this.store.invoices.get(sub.latestInvoice) : undefined;
    if (unpaid?.status === "open") {
      this.payInvoice(unpaid, sub);
      sub.status = "active";
      return this.publish([
        ...this.paidInvoiceEvents(unpaid),
        this.subscriptionEvent("customer.subscription.updated", sub, { before }),
      ]);
    }
    this.advancePeriod(sub);
    // A trial that ends is the first paid period.
    if (sub.status === "trialing") sub.status = "active";
    const invoice = this.createInvoice(sub, "subscription_cycle", true);
    return this.publish([
      this.subscriptionEvent("customer.subscription.updated", sub, { before }),
      ...this.paidInvoiceEvents(invoice),
    ]);
  }

  /**
   * The customer gave a new card in the billing portal: like Stripe, every open invoice of the
   * customer's past-due subscriptions is charged to it at once, and those subscriptions are active
   * again (invoice.paid, then customer.subscription.updated, per subscription).
   */
  updatePaymentMethod(customerId: string): Published {
    const customer = this.customer(customerId);
    const events: EmulatorEvent[] = [];
    for (const sub of this.store.subscriptions.values()) {
      if (sub.customer !== customer.id || sub.status !== "past_due") continue;
      const unpaid = sub.latestInvoice ? this.store.invoices.get(sub.latestInvoice) : undefined;
      const before = renderSubscription(this.store, sub);
      if (unpaid?.status === "open") {
        this.payInvoice(unpaid, sub);
        events.push(...this.paidInvoiceEvents(unpaid));
      }
      sub.status = "active";
      events.push(this.subscriptionEvent("customer.subscription.updated", sub, { before }));
    }
    return this.publish(events);
  }

  /** The renewal payment is declined: like Stripe, the period still advances and the subscription goes past_due. */
  failPayment(id: string): Published {
    const sub = this.subscription(id);
    if (sub.status === "canceled") throw new StripeApiError(400, `This subscription is canceled: '${id}'`);
    const before = renderSubscription(this.store, sub);
    this.advancePeriod(sub);
    const invoice = this.createInvoice(sub, "subscription_cycle", false);
    sub.status = "past_due";
    return this.publish([
      buildEvent("invoice.payment_failed", renderInvoice(this.store, invoice)),
      this.subscriptionEvent("customer.subscription.updated", sub, { before }),
    ]);
  }

  /** Refunds a charge, given it or its payment intent; the whole unrefunded amount by default. */
  refund(chargeOrPaymentIntent: string, amount?: number): Published & { charge: ChargeRecord; refund: RefundRecord } {
    const charge = this.chargeFor(chargeOrPaymentIntent);
    const refundable = charge.amount - charge.refunds.reduce((sum, refund) => sum + refund.amount, 0);
    const value = amount ?? refundable;
    if (!Number.isInteger(value) || value <= 0 || value > refundable) {
      throw new StripeApiError(
        400,
        `Refund amount (${value}) must be a positive integer no greater than the unrefunded amount on charge (${refundable}).`,
        "amount",
      );
    }
    const before = renderCharge(this.store, charge);
    const refund = { id: stripeId("re"), created: now(), amount: value };
    charge.refunds.push(refund);
    return { charge, refund, ...this.publish([buildEvent("charge.refunded", renderCharge(this.store, charge), { before })]) };
  }

  dispute(chargeId: string): Published {
    const charge = this.chargeFor(chargeId);
    if (charge.disputed) throw new StripeApiError(400, `Charge ${charge.id} is already disputed.`);
    charge.disputed = true;
    const dispute = { id: stripeId("dp"), created: now(), charge: charge.id, amount: charge.amount, currency: charge.currency };
    this.store.disputes.set(dispute.id, dispute);
    return this.publish([buildEvent("charge.dispute.created", renderDispute(this.store, dispute))]);
  }

  /** Delivers an event again, unchanged: what Stripe does when an endpoint did not answer 2xx. */
  resend(eventId: string): Published {
    return this.deliver([this.event(eventId)]);
  }

  checkoutSession(id: string): CheckoutSessionRecord {
    const session = this.store.checkoutSessions.get(id);
    if (!session) throw noSuch("checkout.session", id, "session");
    return session;
  }

  customer(id: string): CustomerRecord {
    const customer = this.store.customers.get(id);
    if (!customer) throw noSuch("customer", id, "customer");
    return customer;
  }

  price(id: string): PriceRecord {
    const price = this.store.prices.get(id);
    if (!price) throw noSuch("price", id, "price");
    return price;
  }

  subscription(id: string): SubscriptionRecord {
    const sub = this.store.subscriptions.get(id);
    if (!sub) throw noSuch("subscription", id, "subscription");
    return sub;
  }

  private chargeFor(id: string): ChargeRecord {
    const viaIntent = id.startsWith("pi_") ? this.store.paymentIntents.get(id)?.latestCharge : id;
    const charge = viaIntent ? this.store.charges.get(viaIntent) : undefined;
    if (!charge) throw noSuch(id.startsWith("pi_") ? "payment_intent" : "charge", id, "charge");
    return charge;
  }

  private completeSession(session: CheckoutSessionRecord, customer: CustomerRecord, email: string, paymentStatus: "paid" | "no_payment_required" = "paid") {
    session.customer = customer.id;
    session.paidEmail = email;
    session.status = "complete";
    session.paymentStatus = paymentStatus;
  }

  private startSubscription(session: CheckoutSessionRecord, customer: CustomerRecord, price: PriceRecord): SubscriptionRecord {
    if (!price.recurring) throw new StripeApiError(400, `Price ${price.id} is not recurring.`, "line_items");
    const start = now();
    // During a trial the first period is the trial itself (Stripe's current_period_end is trial_end).
    const trialEnd = session.trialPeriodDays ? start + session.trialPeriodDays * 24 * 3600 : null;
    const sub: SubscriptionRecord = {
      id: stripeId("sub"),
      created: start,
      customer: customer.id,
      priceId: price.id,
      quantity: session.quantity,
      itemId: stripeId("si", 14),
      status: trialEnd ? "trialing" : "active",
      trialStart: trialEnd ? start : null,
      trialEnd,
      periodStart: start,
      periodEnd: trialEnd ?? addInterval(start, price.recurring.interval),
      cancelAtPeriodEnd: false,
      canceledAt: null,
      endedAt: null,
      latestInvoice: null,
      metadata: session.subscriptionMetadata,
    };
    this.store.subscriptions.set(sub.id, sub);
    return sub;
  }

  private advancePeriod(sub: SubscriptionRecord) {
    const interval = this.price(sub.priceId).recurring?.interval ?? "month";
    sub.periodStart = sub.periodEnd;
    sub.periodEnd = addInterval(sub.periodStart, interval);
  }

  /** `amount`: a proration's or a trial's total; else price × quantity, plus any pending proration on a renewal. */
  private createInvoice(sub: SubscriptionRecord, billingReason: InvoiceRecord["billingReason"], paid: boolean, amount?: number): InvoiceRecord {
    const customer = this.customer(sub.customer);
    const price = this.price(sub.priceId);
    customer.invoiceCount++;
    let total = amount;
    if (total === undefined && billingReason === "subscription_cycle" && sub.pendingProration) {
      total = Math.max(0, price.unitAmount * sub.quantity + sub.pendingProration);
      sub.pendingProration = 0;
    }
    const intent = {
      id: stripeId("pi"),
      created: now(),
      amount: total ?? price.unitAmount * sub.quantity,
      currency: price.currency,
      customer: customer.id,
      email: customer.email,
      status: "requires_payment_method" as const,
      latestCharge: null,
      metadata: {},
    };
    this.store.paymentIntents.set(intent.id, intent);
    const invoice: InvoiceRecord = {
      id: stripeId("in"),
      lineId: stripeId("il"),
      created: now(),
      number: `${customer.invoicePrefix}-${String(customer.invoiceCount).padStart(4, "0")}`,
      customer: customer.id,
      subscription: sub.id,
      priceId: price.id,
      quantity: sub.quantity,
      periodStart: sub.periodStart,
      periodEnd: sub.periodEnd,
      billingReason,
      ...(total === undefined ? {} : { amount: total }),
      status: "open",
      paidAt: null,
      paymentIntent: intent.id,
    };
    this.store.invoices.set(invoice.id, invoice);
    sub.latestInvoice = invoice.id;
    if (paid) this.payInvoice(invoice, sub);
    return invoice;
  }

  /**
   * What Stripe sends for a paid invoice: `invoice.paid`, then `invoice_payment.paid` naming the
   * payment intent that paid it (none for an invoice of 0: a trial's first).
   */
  private paidInvoiceEvents(invoice: InvoiceRecord): EmulatorEvent[] {
    const events = [buildEvent("invoice.paid", renderInvoice(this.store, invoice))];
    if ((this.store.paymentIntents.get(invoice.paymentIntent)?.amount ?? 0) > 0) {
      events.push(buildEvent("invoice_payment.paid", renderInvoicePayment(this.store, invoice)));
    }
    return events;
  }

  private payInvoice(invoice: InvoiceRecord, sub: SubscriptionRecord) {
    const intent = this.store.paymentIntents.get(invoice.paymentIntent);
    if (!intent) throw new Error(`Invoice ${invoice.id} has no payment intent`);
    const charge = this.newCharge(intent.id, sub.customer, intent.email, intent.amount, intent.currency);
    intent.status = "succeeded";
    intent.latestCharge = charge.id;
    invoice.status = "paid";
    invoice.paidAt = now();
  }

  /** A one-off card payment: a succeeded payment intent and its charge. */
  private chargeOnce(customer: string, email: string, amount: number, currency: string, metadata: Metadata): ChargeRecord {
    const intentId = stripeId("pi");
    const charge = this.newCharge(intentId, customer, email, amount, currency);
    this.store.paymentIntents.set(intentId, {
      id: intentId,
      created: now(),
      amount,
      currency,
      customer,
      email,
      status: "succeeded",
      latestCharge: charge.id,
      metadata,
    });
    return charge;
  }

  private newCharge(paymentIntent: string, customer: string, email: string | null, amount: number, currency: string): ChargeRecord {
    const charge: ChargeRecord = {
      id: stripeId("ch"),
      created: now(),
      amount,
      currency,
      customer,
      email,
      paymentIntent,
      refunds: [],
      disputed: false,
    };
    this.store.charges.set(charge.id, charge);
    return charge;
  }

  private subscriptionEvent(
    type: string,
    sub: SubscriptionRecord,
    opts: { before?: StripeObject; request?: EventRequest } = {},
  ): EmulatorEvent {
    return buildEvent(type, renderSubscription(this.store, sub), opts);
  }

  private publish(events: EmulatorEvent[]): Published {
    for (const event of events) this.events.set(event.id, event);
    return this.deliver(events);
  }

  private deliver(events: EmulatorEvent[]): Published {
    const delivered = Promise.all(events.map((event) => this.webhooks.send(event))).then(() => undefined);
    return { events, delivered };
  }
}
