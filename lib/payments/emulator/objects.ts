import type {
  ChargeRecord,
  CheckoutSessionRecord,
  CustomerRecord,
  DisputeRecord,
  InvoiceRecord,
  PaymentIntentRecord,
  PortalSessionRecord,
  PriceRecord,
  RefundRecord,
  Store,
  SubscriptionRecord,
} from "./store";

/**
 * Renders the emulator's records as Stripe API objects. Every object carries the same top-level
 * keys as Stripe's own example object for its resource (openapi `fixtures3.json`, checked by
 * emulator.test.ts), filled with the values a fresh test-mode account would show rather than the
 * fixture's sample values.
 */

export type StripeObject = { id: string; object: string; [key: string]: unknown };

const ADDRESS = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
const TAX_DEFAULTS = { enabled: false, liability: null, status: null, provider: null };

function list(data: unknown[], url: string) {
  return { object: "list", data, has_more: false, url };
}

function priceOf(store: Store, id: string): PriceRecord {
  const price = store.prices.get(id);
  if (!price) throw new Error(`Emulator state refers to unknown price ${id}`);
  return price;
}

export function renderPrice(price: PriceRecord): StripeObject {
  return {
    id: price.id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: price.created,
    currency: price.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: price.nickname ?? null,
    product: price.product,
    recurring: price.recurring && {
      interval: price.recurring.interval,
      interval_count: 1,
      meter: null,
      usage_type: "licensed",
      trial_period_days: null,
    },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: price.recurring ? "recurring" : "one_time",
    unit_amount: price.unitAmount,
    unit_amount_decimal: String(price.unitAmount),
  };
}

export function renderCustomer(customer: CustomerRecord): StripeObject {
  return {
    id: customer.id,
    object: "customer",
    address: null,
    balance: 0,
    created: customer.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: customer.email,
    invoice_prefix: customer.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: customer.metadata,
    name: customer.name,
    next_invoice_sequence: customer.invoiceCount + 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export function renderCheckoutSession(store: Store, session: CheckoutSessionRecord): StripeObject {
  const price = priceOf(store, session.priceId);
  // Nothing is charged today for a subscription that starts with a trial.
  const amount = session.trialPeriodDays ? 0 : price.unitAmount * session.quantity;
  const open = session.status === "open";
  return {
    id: session.id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: TAX_DEFAULTS,
    billing_address_collection: null,
    cancel_url: session.cancelUrl,
    client_reference_id: session.clientReferenceId,
    client_secret: null,
    collected_information: session.paidEmail ? { business_name: null, individual_name: null, shipping_details: null } : null,
    consent: null,
    consent_collection: null,
    created: session.created,
    currency: price.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: session.customer,
    customer_account: null,
    customer_creation: session.mode === "payment" ? "always" : null,
    customer_details: session.paidEmail
      ? {
          address: ADDRESS,
          business_name: null,
          email: session.paidEmail,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: "none",
          tax_ids: [],
        }
      : null,
    customer_email: session.customerEmail,
    discounts: [],
    expires_at: session.expiresAt,
    integration_identifier: null,
    invoice: session.invoice,
    invoice_creation:
      session.mode === "payment"
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: null,
    managed_payments: { enabled: false },
    metadata: session.metadata,
    mode: session.mode,
    origin_context: null,
    payment_intent: session.paymentIntent,
    payment_link: null,
    payment_method_collection: session.mode === "subscription" ? "always" : null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: session.paymentStatus,
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: session.status,
    submit_type: null,
    subscription: session.subscription,
    success_url: session.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    // Stripe clears the URL once the session is complete: it cannot be paid twice.
    url: open ? `${store.baseUrl}/checkout/${session.id}` : null,
    wallet_options: null,
  };
}

function renderSubscriptionItem(store: Store, sub: SubscriptionRecord): StripeObject {
  const price = priceOf(store, sub.priceId);
  return {
    id: sub.itemId,
    object: "subscription_item",
    billing_thresholds: null,
    created: sub.created,
    // Since API version 2025-03-31.basil the billing period lives on the item, not the subscription.
    current_period_end: sub.periodEnd,
    current_period_start: sub.periodStart,
    discounts: [],
    metadata: {},
    plan: {
      id: price.id,
      object: "plan",
      active: true,
      amount: price.unitAmount,
      amount_decimal: String(price.unitAmount),
      billing_scheme: "per_unit",
      created: price.created,
      currency: price.currency,
      interval: price.recurring?.interval ?? "month",
      interval_count: 1,
      livemode: false,
      metadata: {},
      meter: null,
      nickname: price.nickname ?? null,
      product: price.product,
      tiers_mode: null,
      transform_usage: null,
      trial_period_days: null,
      usage_type: "licensed",
    },
    price: renderPrice(price),
    quantity: sub.quantity,
    subscription: sub.id,
    tax_rates: [],
  };
}

export function renderSubscription(store: Store, sub: SubscriptionRecord): StripeObject {
  const price = priceOf(store, sub.priceId);
  return {
    id: sub.id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: sub.created,
    billing_cycle_anchor_config: null,
    billing_mode: { type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: sub.cancelAtPeriodEnd ? sub.periodEnd : null,
    cancel_at_period_end: sub.cancelAtPeriodEnd,
    canceled_at: sub.canceledAt,
    cancellation_details: { comment: null, feedback: null, reason: sub.canceledAt || sub.cancelAtPeriodEnd ? "cancellation_requested" : null },
    collection_method: "charge_automatically",
    created: sub.created,
    currency: price.currency,
    customer: sub.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: sub.endedAt,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: list([renderSubscriptionItem(store, sub)], `/v1/subscription_items?subscription=${sub.id}`),
    latest_invoice: sub.latestInvoice,
    livemode: false,
    managed_payments: { enabled: false },
    metadata: sub.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: sub.created,
    status: sub.status,
    test_clock: null,
    transfer_data: null,
    trial_end: sub.trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: sub.trialStart,
  };
}

export function renderInvoice(store: Store, invoice: InvoiceRecord): StripeObject {
  const price = priceOf(store, invoice.priceId);
  const customer = store.customers.get(invoice.customer);
  const sub = invoice.subscription ? store.subscriptions.get(invoice.subscription) : undefined;
  const total = invoice.amount ?? price.unitAmount * invoice.quantity;
  const paid = invoice.status === "paid";
  const line = {
    id: invoice.lineId,
    object: "line_item",
    amount: total,
    currency: price.currency,
    description: `${invoice.quantity} × ${price.nickname ?? price.id}`,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoice.id,
    livemode: false,
    metadata: {},
    parent: {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: invoice.billingReason === "subscription_update",
        proration_details: { credited_items: null },
        subscription: invoice.subscription,
        subscription_item: sub?.itemId ?? null,
      },
    },
    period: { end: invoice.periodEnd, start: invoice.periodStart },
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      price_details: { price: price.id, product: price.product },
      unit_amount_decimal: String(price.unitAmount),
    },
    quantity: invoice.quantity,
    quantity_decimal: String(invoice.quantity),
    subscription: invoice.subscription,
    subtotal: total,
    taxes: [],
  };
  return {
    id: invoice.id,
    object: "invoice",
    account_country: "US",
    account_name: "License Portal (Stripe emulator)",
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: paid ? total : 0,
    amount_remaining: paid ? 0 : total,
    amount_shipping: 0,
    application: null,
    attempt_count: 1,
    attempted: true,
    auto_advance: !paid,
    automatic_tax: TAX_DEFAULTS,
    automatically_finalizes_at: null,
    billing_reason: invoice.billingReason,
    collection_method: "charge_automatically",
    created: invoice.created,
    currency: price.currency,
    custom_fields: null,
    customer: invoice.customer,
    customer_account: null,
    customer_address: null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: invoice.created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    // The emulator serves these pages itself (hosted.ts), as Stripe hosts its invoice and receipt pages.
    hosted_invoice_url: `${store.baseUrl}/invoices/${invoice.id}`,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: list([line], `/v1/invoices/${invoice.id}/lines`),
    livemode: false,
    metadata: {},
    next_payment_attempt: paid ? null : invoice.created + 3 * 24 * 3600,
    number: invoice.number,
    on_behalf_of: null,
    // Since API version 2025-03-31.basil the subscription link lives here; the top-level
    // `subscription` below is kept because Stripe's example object still has the key.
    parent: invoice.subscription
      ? {
          type: "subscription_details",
          quote_details: null,
          subscription_details: { metadata: sub?.metadata ?? {}, subscription: invoice.subscription },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    // For subscription invoices Stripe reports the usage period here (the moment of invoicing);
    // the service period that was paid for is on the line items.
    period_end: invoice.created,
    period_start: invoice.created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: invoice.status,
    status_transitions: {
      finalized_at: invoice.created,
      marked_uncollectible_at: null,
      paid_at: invoice.paidAt,
      voided_at: null,
    },
    subscription: invoice.subscription,
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: invoice.created,
  };
}

/**
 * The invoice payment (API versions since 2025-03-31) that links a paid invoice to its payment
 * intent, sent as `invoice_payment.paid`: charges carry no `invoice` in these versions, so this is how
 * a refund or dispute of a subscription's charge is traced to its invoice. Its id is derived from the
 * invoice's, so a resend or a restart renders the same object.
 */
export function renderInvoicePayment(store: Store, invoice: InvoiceRecord): StripeObject {
  const intent = store.paymentIntents.get(invoice.paymentIntent);
  const amount = intent?.amount ?? 0;
  return {
    id: `inpay_${invoice.id.slice("in_".length)}`,
    object: "invoice_payment",
    amount_paid: invoice.status === "paid" ? amount : null,
    amount_requested: amount,
    created: invoice.paidAt ?? invoice.created,
    currency: intent?.currency ?? "usd",
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { type: "payment_intent", payment_intent: invoice.paymentIntent },
    status: invoice.status === "paid" ? "paid" : "open",
    status_transitions: { canceled_at: null, paid_at: invoice.paidAt },
  };
}

export function renderPaymentIntent(intent: PaymentIntentRecord): StripeObject {
  const succeeded = intent.status === "succeeded";
  return {
    id: intent.id,
    object: "payment_intent",
    amount: intent.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: succeeded ? intent.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic",
    client_secret: `${intent.id}_secret_${intent.id.slice(3)}`,
    confirmation_method: "automatic",
    created: intent.created,
    currency: intent.currency,
    customer: intent.customer,
    customer_account: null,
    description: null,
    excluded_payment_method_types: null,
    last_payment_error: succeeded
      ? null
      : {
          type: "card_error",
          code: "card_declined",
          decline_code: "insufficient_funds",
          message: "Your card has insufficient funds.",
        },
    latest_charge: intent.latestCharge,
    livemode: false,
    managed_payments: { enabled: false },
    metadata: intent.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: succeeded ? "pm_card_visa" : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    processing: null,
    receipt_email: intent.email,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: intent.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function renderRefund(charge: ChargeRecord, refund: RefundRecord): StripeObject {
  return {
    id: refund.id,
    object: "refund",
    amount: refund.amount,
    balance_transaction: null,
    charge: charge.id,
    created: refund.created,
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: { card: { type: "refund" }, type: "card" },
    metadata: {},
    payment_intent: charge.paymentIntent,
    payment_method: "pm_card_visa",
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
}

export function renderCharge(store: Store, charge: ChargeRecord): StripeObject {
  const amountRefunded = charge.refunds.reduce((sum, refund) => sum + refund.amount, 0);
  const refunds = charge.refunds.map((refund) => renderRefund(charge, refund));
  return {
    id: charge.id,
    object: "charge",
    amount: charge.amount,
    amount_captured: charge.amount,
    amount_refunded: amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: ADDRESS, email: charge.email, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "LICENSE PORTAL",
    captured: true,
    created: charge.created,
    currency: charge.currency,
    customer: charge.customer,
    description: null,
    disputed: charge.disputed,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      seller_message: "Payment complete.",
      type: "authorized",
    },
    paid: true,
    payment_intent: charge.paymentIntent,
    payment_method: "pm_card_visa",
    payment_method_details: {
      card: { brand: "visa", country: "US", exp_month: 12, exp_year: 2034, funding: "credit", last4: "4242", network: "visa" },
      type: "card",
    },
    receipt_email: charge.email,
    receipt_number: null,
    receipt_url: `${store.baseUrl}/receipts/${charge.id}`,
    refunded: amountRefunded === charge.amount,
    refunds: list(refunds, `/v1/charges/${charge.id}/refunds`),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
}

export function renderDispute(store: Store, dispute: DisputeRecord): StripeObject {
  const evidenceFields = [
    "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure",
    "cancellation_rebuttal", "customer_communication", "customer_email_address", "customer_name",
    "customer_purchase_ip", "customer_signature", "duplicate_charge_documentation",
    "duplicate_charge_explanation", "duplicate_charge_id", "product_description", "receipt",
    "refund_policy", "refund_policy_disclosure", "refund_refusal_explanation", "service_date",
    "service_documentation", "shipping_address", "shipping_carrier", "shipping_date",
    "shipping_documentation", "shipping_tracking_number", "uncategorized_file", "uncategorized_text",
  ];
  return {
    id: dispute.id,
    object: "dispute",
    amount: dispute.amount,
    balance_transactions: [],
    charge: dispute.charge,
    created: dispute.created,
    currency: dispute.currency,
    enhanced_eligibility_types: [],
    evidence: { ...Object.fromEntries(evidenceFields.map((field) => [field, null])), enhanced_evidence: {} },
    evidence_details: {
      due_by: dispute.created + 7 * 24 * 3600,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: store.charges.get(dispute.charge)?.paymentIntent ?? null,
    payment_method_details: { card: { brand: "visa", case_type: "chargeback", network: "visa", network_reason_code: "10.4" }, type: "card" },
    reason: "fraudulent",
    status: "needs_response",
  };
}

export function renderPortalSession(store: Store, session: PortalSessionRecord): StripeObject {
  return {
    id: session.id,
    object: "billing_portal.session",
    configuration: "bpc_emulator",
    created: session.created,
    customer: session.customer,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: session.returnUrl,
    url: `${store.baseUrl}/billing/${session.id}`,
  };
}
