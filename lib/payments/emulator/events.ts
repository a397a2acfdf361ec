import { setTimeout as sleep } from "node:timers/promises";
import Stripe from "stripe";
import { STRIPE_API_VERSION } from "../stripe-client";
import type { StripeObject } from "./objects";
import { now, stripeId } from "./store";

/** An event shaped like Stripe's (`event` in fixtures3.json), as POSTed to the webhook endpoint. */
export type EmulatorEvent = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
};

export type Delivery = {
  eventId: string;
  type: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
};

export type EventRequest = { id: string; idempotencyKey: string | null };

/**
 * Builds an event. For `*.updated` events pass the object as it was before the change: Stripe lists
 * the old values of the changed top-level fields in `data.previous_attributes`.
 */
export function buildEvent(
  type: string,
  object: StripeObject,
  opts: { before?: StripeObject; request?: EventRequest } = {},
): EmulatorEvent {
  const data: EmulatorEvent["data"] = { object };
  if (opts.before) data.previous_attributes = changedFields(opts.before, object);
  return {
    id: stripeId("evt"),
    object: "event",
    api_version: STRIPE_API_VERSION,
    created: now(),
    data,
    livemode: false,
    pending_webhooks: 1,
    // Stripe names the API request that caused the event; automatic changes have none.
    request: { id: opts.request?.id ?? null, idempotency_key: opts.request?.idempotencyKey ?? null },
    type,
  };
}

function changedFields(before: StripeObject, after: StripeObject): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(before)) {
    if (JSON.stringify(value) !== JSON.stringify(after[key])) changed[key] = value;
  }
  return changed;
}

/** Waits before each retry of a failed delivery; Stripe itself backs off over days. */
const RETRY_DELAYS_MS = [200, 1000, 3000];
const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * Delivers events to one webhook endpoint, one at a time and in the order they were sent, signed
 * exactly as Stripe signs them. A failed attempt (network error or non-2xx) is retried.
 */
export class WebhookSender {
  private queue: Promise<unknown> = Promise.resolve();
  private log: Delivery[] = [];
  private readonly stopping = new AbortController();

  constructor(
    private readonly url: string,
    private readonly secret: string,
  ) {}

  /** Queues one delivery; resolves with its outcome once it succeeded or ran out of retries. */
  send(event: EmulatorEvent): Promise<Delivery> {
    const delivery: Delivery = { eventId: event.id, type: event.type, status: "pending", attempts: 0 };
    this.log.push(delivery);
    const done = this.queue.then(() => this.deliver(event, delivery)).then(() => ({ ...delivery }));
    this.queue = done;
    return done;
  }

  deliveries(): Delivery[] {
    return this.log.map((delivery) => ({ ...delivery }));
  }

  /** Abandons pending retries and waits for the queue to settle. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.queue;
  }

  private async deliver(event: EmulatorEvent, delivery: Delivery): Promise<void> {
    const payload = JSON.stringify(event, null, 2);
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (this.stopping.signal.aborted) break;
      if (attempt > 0) {
        await sleep(RETRY_DELAYS_MS[attempt - 1], undefined, { signal: this.stopping.signal }).catch(() => {});
        if (this.stopping.signal.aborted) break;
      }
      delivery.attempts++;
      if (await this.post(payload)) {
        delivery.status = "succeeded";
        return;
      }
    }
    delivery.status = "failed";
  }

  private async post(payload: string): Promise<boolean> {
    try {
      const response = await fetch(this.url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          // Signed anew for every attempt, with the attempt's timestamp, as Stripe does.
          "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: this.secret }),
        },
        body: payload,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }
}
