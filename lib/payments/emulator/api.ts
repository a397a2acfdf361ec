import type { Billing } from "./billing";
import { StripeApiError, noSuch } from "./errors";
import type { EventRequest } from "./events";
import type { FormObject, FormValue } from "./form";
import {
  renderCharge,
  renderCheckoutSession,
  renderCustomer,
  renderDispute,
  renderInvoice,
  renderPaymentIntent,
  renderPortalSession,
  renderPrice,
  renderRefund,
  renderSubscription,
  type StripeObject,
} from "./objects";
import { stripeId, type Metadata } from "./store";

/** The Stripe REST endpoints (`/v1/...`) the portal uses, answering as api.stripe.com does. */

export type ApiCall = { method: string; path: string; params: FormObject; request: EventRequest };

type Handler = (billing: Billing, id: string, call: ApiCall) => StripeObject;

const routes: [method: string, pattern: RegExp, handler: Handler][] = [
  ["POST", /^\/v1\/customers$/, createCustomer],
  ["GET", /^\/v1\/customers\/([^/]+)$/, (b, id) => renderCustomer(b.customer(id))],
  ["POST", /^\/v1\/checkout\/sessions$/, createCheckoutSession],
  ["GET", /^\/v1\/checkout\/sessions\/([^/]+)$/, (b, id) => renderCheckoutSession(b.store, b.checkoutSession(id))],
  ["GET", /^\/v1\/subscriptions\/([^/]+)$/, (b, id) => renderSubscription(b.store, b.subscription(id))],
  ["POST", /^\/v1\/subscriptions\/([^/]+)$/, updateSubscription],
  ["DELETE", /^\/v1\/subscriptions\/([^/]+)$/, (b, id, call) => b.cancelSubscription(id, call.request).events[0]!.data.object],
  ["POST", /^\/v1\/billing_portal\/sessions$/, createPortalSession],
  ["GET", /^\/v1\/prices\/([^/]+)$/, (b, id) => renderPrice(b.price(id))],
  ["GET", /^\/v1\/invoices\/([^/]+)$/, (b, id) => renderInvoice(b.store, found(b.store.invoices.get(id), "invoice", id))],
  ["GET", /^\/v1\/payment_intents\/([^/]+)$/, (b, id) => renderPaymentIntent(found(b.store.paymentIntents.get(id), "payment_intent", id))],
  ["GET", /^\/v1\/charges\/([^/]+)$/, (b, id) => renderCharge(b.store, found(b.store.charges.get(id), "charge", id))],
  ["POST", /^\/v1\/refunds$/, createRefund],
  ["GET", /^\/v1\/disputes\/([^/]+)$/, (b, id) => renderDispute(b.store, found(b.store.disputes.get(id), "dispute", id))],
  ["GET", /^\/v1\/events\/([^/]+)$/, (b, id) => b.event(id)],
];

export function handleApiCall(billing: Billing, call: ApiCall): StripeObject {
  for (const [method, pattern, handler] of routes) {
    const match = pattern.exec(call.path);
    if (match && method === call.method) {
      const object = handler(billing, decodeURIComponent(match[1] ?? ""), call);
      return expand(billing, object, call.params.expand);
    }
  }
  throw new StripeApiError(404, `Unrecognized request URL (${call.method}: ${call.path}).`);
}

function createCustomer(billing: Billing, _id: string, { params }: ApiCall) {
  return renderCustomer(
    billing.createCustomer({
      email: optionalString(params, "email"),
      name: optionalString(params, "name"),
      metadata: metadata(params, "metadata"),
    }),
  );
}

function createCheckoutSession(billing: Billing, _id: string, { params }: ApiCall) {
  const mode = optionalString(params, "mode");
  if (mode !== "payment" && mode !== "subscription") {
    throw new StripeApiError(400, "The emulator supports `mode` payment or subscription.", "mode");
  }
  const items = params.line_items;
  if (!Array.isArray(items) || items.length !== 1 || !isObject(items[0])) {
    throw new StripeApiError(400, "The emulator supports exactly one entry in `line_items`.", "line_items");
  }
  const item = items[0];
  const priceId = optionalString(item, "price", "line_items[0][price]") ?? inlinePrice(billing, item.price_data);
  if (!priceId) throw new StripeApiError(400, "Missing required param: line_items[0][price].", "line_items[0][price]");
  const price = billing.store.prices.get(priceId);
  if (!price) throw noSuch("price", priceId, "line_items[0][price]", 400);
  if (mode === "subscription" && !price.recurring) {
    throw new StripeApiError(400, "You must provide at least one recurring price in `subscription` mode when using prices.", "line_items");
  }
  if (mode === "payment" && price.recurring) {
    throw new StripeApiError(400, "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.", "line_items");
  }
  const quantity = Number(optionalString(item, "quantity", "line_items[0][quantity]") ?? "1");
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new StripeApiError(400, "Invalid positive integer", "line_items[0][quantity]");
  }
  const customer = optionalString(params, "customer");
  const customerEmail = optionalString(params, "customer_email");
  if (customer && !billing.store.customers.has(customer)) throw noSuch("customer", customer, "customer", 400);
  if (customer && customerEmail) {
    throw new StripeApiError(400, "You may only specify one of these parameters: customer, customer_email.", "customer_email");
  }
  const subscriptionData = params.subscription_data;
  const paymentIntentData = params.payment_intent_data;
  return renderCheckoutSession(
    billing.store,
    billing.createCheckoutSession({
      mode,
      priceId,
      quantity,
      customer,
      customerEmail,
      clientReferenceId: optionalString(params, "client_reference_id"),
      metadata: metadata(params, "metadata"),
      subscriptionMetadata: isObject(subscriptionData) ? metadata(subscriptionData, "metadata", "subscription_data[metadata]") : {},
      trialPeriodDays: trialPeriodDays(mode, subscriptionData),
      paymentIntentMetadata: isObject(paymentIntentData) ? metadata(paymentIntentData, "metadata", "payment_intent_data[metadata]") : {},
      successUrl: optionalUrl(params, "success_url"),
      cancelUrl: optionalUrl(params, "cancel_url"),
    }),
  );
}

/**
 * `line_items[0][price_data]`: a one-off price made for this session (`currency`, `unit_amount`,
 * `product_data[name]`), as Stripe accepts instead of a price id. Only one-time prices here.
 */
function inlinePrice(billing: Billing, data: FormValue | undefined): string | null {
  if (data === undefined) return null;
  const param = "line_items[0][price_data]";
  if (!isObject(data)) throw new StripeApiError(400, `Invalid object: ${param}`, param);
  if (data.recurring !== undefined) throw new StripeApiError(400, "The emulator supports one-time price_data only.", `${param}[recurring]`);
  const currency = optionalString(data, "currency", `${param}[currency]`);
  if (!currency || !/^[a-z]{3}$/.test(currency)) throw new StripeApiError(400, `Missing required param: ${param}[currency].`, `${param}[currency]`);
  const unitAmount = Number(optionalString(data, "unit_amount", `${param}[unit_amount]`));
  if (!Number.isInteger(unitAmount) || unitAmount < 0) throw new StripeApiError(400, "Invalid non-negative integer", `${param}[unit_amount]`);
  const product = isObject(data.product_data) ? optionalString(data.product_data, "name", `${param}[product_data][name]`) : null;
  const id = stripeId("price", 24);
  billing.store.addPrice(id, { unitAmount, currency, recurring: null, ...(product ? { nickname: product } : {}) });
  return id;
}

/** `subscription_data[trial_period_days]`: 1–730 days of free trial before the first charge (subscription mode only). */
function trialPeriodDays(mode: "payment" | "subscription", data: FormValue | undefined): number | null {
  if (!isObject(data)) return null;
  const value = optionalString(data, "trial_period_days", "subscription_data[trial_period_days]");
  if (value === null) return null;
  const days = Number(value);
  if (mode !== "subscription") throw new StripeApiError(400, "subscription_data is only allowed in subscription mode.", "subscription_data");
  if (!Number.isInteger(days) || days < 1 || days > 730) {
    throw new StripeApiError(400, "trial_period_days must be an integer between 1 and 730.", "subscription_data[trial_period_days]");
  }
  return days;
}

const PRORATION_BEHAVIORS = ["create_prorations", "always_invoice", "none"] as const;

function updateSubscription(billing: Billing, id: string, { params, request }: ApiCall) {
  if (params.items !== undefined) return changeSubscriptionItem(billing, id, params, request);
  const flag = optionalString(params, "cancel_at_period_end");
  if (flag !== null && flag !== "true" && flag !== "false") {
    throw new StripeApiError(400, "Invalid boolean: " + flag, "cancel_at_period_end");
  }
  const changes = {
    ...(flag === null ? {} : { cancelAtPeriodEnd: flag === "true" }),
    ...(params.metadata === undefined ? {} : { metadata: metadata(params, "metadata") }),
  };
  return billing.updateSubscription(id, changes, request).events[0]!.data.object;
}

/** `items[0][id]` with a new `price` and/or `quantity`, and `proration_behavior` (Stripe's default: create_prorations). */
function changeSubscriptionItem(billing: Billing, id: string, params: FormObject, request: EventRequest) {
  const items = params.items;
  if (!Array.isArray(items) || items.length !== 1 || !isObject(items[0])) {
    throw new StripeApiError(400, "The emulator supports exactly one entry in `items`, naming the subscription's item.", "items");
  }
  const item = items[0];
  const itemId = optionalString(item, "id", "items[0][id]");
  if (!itemId) throw new StripeApiError(400, "Missing required param: items[0][id].", "items[0][id]");
  const quantityText = optionalString(item, "quantity", "items[0][quantity]");
  const quantity = quantityText === null ? null : Number(quantityText);
  if (quantity !== null && (!Number.isInteger(quantity) || quantity < 1)) throw new StripeApiError(400, "Invalid positive integer", "items[0][quantity]");
  const behavior = optionalString(params, "proration_behavior") ?? "create_prorations";
  if (!(PRORATION_BEHAVIORS as readonly string[]).includes(behavior)) {
    throw new StripeApiError(400, `Invalid proration_behavior: must be one of ${PRORATION_BEHAVIORS.join(", ")}`, "proration_behavior");
  }
  const change = {
    itemId,
    priceId: optionalString(item, "price", "items[0][price]"),
    quantity,
    prorationBehavior: behavior as (typeof PRORATION_BEHAVIORS)[number],
    ...(params.metadata === undefined ? {} : { metadata: metadata(params, "metadata") }),
  };
  return billing.changeItem(id, change, request).events[0]!.data.object;
}

function createPortalSession(billing: Billing, _id: string, { params }: ApiCall) {
  const customer = optionalString(params, "customer");
  if (!customer) throw new StripeApiError(400, "Missing required param: customer.", "customer");
  if (!billing.store.customers.has(customer)) throw noSuch("customer", customer, "customer", 400);
  return renderPortalSession(billing.store, billing.createPortalSession(customer, optionalUrl(params, "return_url")));
}

function createRefund(billing: Billing, _id: string, { params }: ApiCall) {
  const target = optionalString(params, "charge") ?? optionalString(params, "payment_intent");
  if (!target) throw new StripeApiError(400, "One of the following params should be provided for this request: charge or payment_intent.");
  const amount = optionalString(params, "amount");
  const { charge, refund } = billing.refund(target, amount === null ? undefined : Number(amount));
  return renderRefund(charge, refund);
}

/** Replaces top-level ids named in `expand` with their objects (`expand: ["customer"]`). */
function expand(billing: Billing, object: StripeObject, paths: FormValue | undefined): StripeObject {
  if (!Array.isArray(paths)) return object;
  const expanded: StripeObject = { ...object };
  for (const path of paths) {
    const value = typeof path === "string" ? object[path] : undefined;
    if (typeof path !== "string" || typeof value !== "string") continue;
    const related = renderAny(billing, value);
    if (!related) throw new StripeApiError(400, `This property cannot be expanded (${path}).`, "expand");
    expanded[path] = related;
  }
  return expanded;
}

function renderAny(billing: Billing, id: string): StripeObject | null {
  const { store } = billing;
  const customer = store.customers.get(id);
  if (customer) return renderCustomer(customer);
  const sub = store.subscriptions.get(id);
  if (sub) return renderSubscription(store, sub);
  const invoice = store.invoices.get(id);
  if (invoice) return renderInvoice(store, invoice);
  const intent = store.paymentIntents.get(id);
  if (intent) return renderPaymentIntent(intent);
  const charge = store.charges.get(id);
  if (charge) return renderCharge(store, charge);
  const price = store.prices.get(id);
  return price ? renderPrice(price) : null;
}

function found<T>(record: T | undefined, resource: string, id: string): T {
  if (!record) throw noSuch(resource, id, "id");
  return record;
}

function isObject(value: FormValue | undefined): value is FormObject {
  return typeof value === "object" && !Array.isArray(value);
}

/** A string parameter; an empty string (how the SDK sends `null`) counts as absent. */
function optionalString(params: FormObject, name: string, param = name): string | null {
  const value = params[name];
  if (value === undefined || value === "") return null;
  if (typeof value !== "string") throw new StripeApiError(400, `Invalid string: ${param}`, param);
  return value;
}

/** An http(s) URL: the hosted pages link and redirect to these, so nothing else may pass. */
function optionalUrl(params: FormObject, name: string): string | null {
  const value = optionalString(params, name);
  if (value === null) return null;
  // `{CHECKOUT_SESSION_ID}` is a template Stripe fills in; it is not valid in a URL as such.
  const candidate = value.replace("{CHECKOUT_SESSION_ID}", "x");
  const protocol = URL.canParse(candidate) ? new URL(candidate).protocol : "";
  if (protocol !== "http:" && protocol !== "https:") throw new StripeApiError(400, "Not a valid URL", name, "invalid_request_error", "url_invalid");
  return value;
}

function metadata(params: FormObject, name: string, param = name): Metadata {
  const value = params[name];
  if (value === undefined || value === "") return {};
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === "string")) {
    throw new StripeApiError(400, `Invalid object: ${param} must map keys to strings.`, param);
  }
  return value as Metadata;
}
