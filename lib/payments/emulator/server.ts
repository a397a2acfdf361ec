import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleApiCall } from "./api";
import { Billing, type Published } from "./billing";
import { StripeApiError } from "./errors";
import { WebhookSender, type Delivery, type EmulatorEvent } from "./events";
import { parseForm, type FormObject } from "./form";
import { handlePage } from "./hosted";
import { messagePage } from "./pages";
import { loadStore, saveStore } from "./persist";
import { readBody, sendHtml, sendJson } from "./respond";
import { Store, stripeId, type PriceConfig } from "./store";

/**
 * A local Stripe for tests and demos: the REST API as the official SDK calls it, hosted checkout and
 * billing portal pages, and signed webhook deliveries. Point the SDK at it with
 * STRIPE_API_HOST/PORT/PROTOCOL; see lib/payments/stripe-client.ts.
 */

export type StripeEmulatorOptions = {
  port?: number;
  webhookUrl: string;
  webhookSecret: string;
  /** Price id → price. Checkout Sessions may only use these… */
  prices?: Record<string, PriceConfig>;
  /**
   * …and those found here when an API call names a price the emulator does not
   * know yet: a running portal's catalogue grows (a plan added in the console),
   * as prices created in Stripe's dashboard would.
   */
  lookupPrice?: (id: string) => Promise<PriceConfig | undefined>;
  /**
   * Keep the state (customers, subscriptions, invoices, charges…) in this JSON file across restarts:
   * loaded at start, rewritten after every change (persist.ts). Unset: in memory only (tests).
   */
  stateFile?: string;
};

/** The price ids an API call names: Checkout line items, a subscription's new items, or the price retrieved. */
function pricesNamed(path: string, params: FormObject): string[] {
  const items = [params.line_items, params.items].flatMap((list) => (Array.isArray(list) ? list : []));
  const ids = items.flatMap((item) => (typeof item === "object" && !Array.isArray(item) && typeof item.price === "string" ? [item.price] : []));
  const retrieved = /^\/v1\/prices\/([^/]+)$/.exec(path)?.[1];
  return retrieved ? [...ids, decodeURIComponent(retrieved)] : ids;
}

/** Provokes what Stripe would do on its own; each resolves with the events once delivered. */
export type StripeEmulatorTriggers = {
  renew(subscriptionId: string): Promise<EmulatorEvent[]>;
  failPayment(subscriptionId: string): Promise<EmulatorEvent[]>;
  cancel(subscriptionId: string): Promise<EmulatorEvent[]>;
  refund(chargeOrPaymentIntentId: string, opts?: { amount?: number }): Promise<EmulatorEvent[]>;
  dispute(chargeId: string): Promise<EmulatorEvent[]>;
  resend(eventId: string): Promise<EmulatorEvent[]>;
};

export type StripeEmulator = {
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
  deliveries(): Delivery[];
  trigger: StripeEmulatorTriggers;
};

const HOST = "127.0.0.1";

export async function startStripeEmulator(opts: StripeEmulatorOptions): Promise<StripeEmulator> {
  const store = new Store(opts.prices ?? {});
  if (opts.stateFile) loadStore(store, opts.stateFile);
  const save = () => {
    if (opts.stateFile) saveStore(store, opts.stateFile);
  };
  const webhooks = new WebhookSender(opts.webhookUrl, opts.webhookSecret);
  const billing = new Billing(store, webhooks);
  const idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();

  const settle = async (published: Published) => {
    save();
    await published.delivered;
    return published.events;
  };
  const trigger: StripeEmulatorTriggers = {
    renew: async (id) => settle(billing.renew(id)),
    failPayment: async (id) => settle(billing.failPayment(id)),
    cancel: async (id) => settle(billing.cancelSubscription(id)),
    refund: async (id, refundOpts) => settle(billing.refund(id, refundOpts?.amount)),
    dispute: async (id) => settle(billing.dispute(id)),
    resend: async (id) => settle(billing.resend(id)),
  };

  async function learnPrices(ids: string[]) {
    for (const id of ids) {
      if (store.prices.has(id) || !opts.lookupPrice) continue;
      const config = await opts.lookupPrice(id);
      if (config && !store.prices.has(id)) store.addPrice(id, config);
    }
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, path: string, query: string, body: string) {
    const requestId = stripeId("req", 14);
    const headers = { "request-id": requestId };
    const key = /^Bearer (sk_\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!key) {
      return sendJson(res, 401, new StripeApiError(401, "Invalid API Key provided. Use a secret key (sk_...) as a Bearer token."), headers);
    }
    const method = req.method ?? "GET";
    const idempotencyKey = method === "POST" ? req.headers["idempotency-key"]?.toString() ?? null : null;
    const cacheKey = idempotencyKey && `${key}\n${idempotencyKey}`;
    const fingerprint = `${method} ${path} ${body}`;
    const earlier = cacheKey ? idempotent.get(cacheKey) : undefined;
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        const error = new StripeApiError(
          400,
          "Keys for idempotent requests can only be used with the same parameters they were first used with.",
          undefined,
          "idempotency_error",
        );
        return sendJson(res, 400, error, headers);
      }
      return sendJson(res, earlier.status, earlier.body, { ...headers, "idempotent-replayed": "true" });
    }
    let status = 200;
    let answer: unknown;
    try {
      // GET and DELETE carry their parameters in the query string, POST in the form body.
      const params = parseForm(method === "POST" ? body : query);
      await learnPrices(pricesNamed(path, params));
      answer = handleApiCall(billing, { method, path, params, request: { id: requestId, idempotencyKey } });
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      status = error.status;
      answer = error.toJSON();
    }
    // Stripe replays 4xx answers too; a 5xx (thrown above) is not kept, so a retry can succeed.
    if (cacheKey) idempotent.set(cacheKey, { fingerprint, status, body: answer });
    sendJson(res, status, answer, headers);
  }

  async function handleTrigger(res: http.ServerResponse, path: string, body: string) {
    let input: unknown;
    try {
      input = body ? JSON.parse(body) : {};
    } catch {
      input = null;
    }
    if (typeof input !== "object" || input === null) throw new StripeApiError(400, "The body must be a JSON object.");
    const fields = input as Record<string, unknown>;
    const text = (name: string) => {
      const value = fields[name];
      if (typeof value !== "string" || !value) throw new StripeApiError(400, `Missing required field: ${name}`, name);
      return value;
    };
    const actions: Record<string, () => Promise<EmulatorEvent[]>> = {
      "/_emulator/renew": () => trigger.renew(text("subscription")),
      "/_emulator/fail-payment": () => trigger.failPayment(text("subscription")),
      "/_emulator/cancel": () => trigger.cancel(text("subscription")),
      "/_emulator/refund": () =>
        trigger.refund(typeof fields.payment_intent === "string" ? fields.payment_intent : text("charge"), {
          ...(typeof fields.amount === "number" ? { amount: fields.amount } : {}),
        }),
      "/_emulator/dispute": () => trigger.dispute(text("charge")),
      "/_emulator/resend": () => trigger.resend(text("event")),
    };
    const action = actions[path];
    if (!action) return sendJson(res, 404, new StripeApiError(404, `Unknown emulator route: ${path}`));
    sendJson(res, 200, { events: await action() });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator");
    const path = url.pathname;
    readBody(req)
      .then(async (body) => {
        if (path.startsWith("/v1/")) return handleApi(req, res, path, url.search.slice(1), body);
        if (path.startsWith("/_emulator/")) {
          if (req.method === "GET" && path === "/_emulator/deliveries") return sendJson(res, 200, webhooks.deliveries());
          if (req.method === "POST") return handleTrigger(res, path, body);
        }
        if (await handlePage(billing, { method: req.method ?? "GET", path, body, query: url.searchParams }, res)) return;
        sendHtml(res, 404, messagePage("Not found", `Nothing at ${path} in the Stripe emulator.`));
      })
      // Any request may have changed the state (a payment, a price learnt from the portal): keep it.
      .finally(save)
      .catch((error: unknown) => {
        if (res.headersSent) return res.end();
        if (error instanceof StripeApiError) return sendJson(res, error.status, error);
        const message = error instanceof Error ? error.message : String(error);
        sendJson(res, 500, { error: { type: "api_error", message } });
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  store.baseUrl = `http://${HOST}:${port}`;

  return {
    url: store.baseUrl,
    host: HOST,
    port,
    deliveries: () => webhooks.deliveries(),
    trigger,
    async stop() {
      await webhooks.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
