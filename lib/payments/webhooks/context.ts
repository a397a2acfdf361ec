// What an event handler gets from the dispatcher, and the shape every handler has.
import type Stripe from "stripe";
import type { License, Prisma } from "../../generated/prisma/client";
import { newerEventProcessed } from "./event-log";

export type HandlerContext = {
  tx: Prisma.TransactionClient;
  /** The event being applied: during a replay, the earlier event, not the one delivered. */
  event: Pick<Stripe.Event, "id" | "type" | "created">;
  /** the event's `data.previous_attributes` (`*.updated` events: the old values of what changed), else null */
  previousAttributes: Record<string, unknown> | null;
  actor: { type: "stripe"; id: string };
  now: Date;
  /** True while the events that waited for a new license are applied to it, oldest first. */
  replaying: boolean;
  /** Applies to a license just minted the processed events that were waiting for it. */
  applyWaitingEvents(license: License): Promise<License>;
};

/** A handler's answer for an event it deliberately leaves alone; `ignored` is the reason shown in the console. */
export type Ignored = { ignored: string };

export type EventHandler<T> = {
  /** Stripe ids whose events must apply one at a time (subscription, payment intent, customer, session). */
  lockKeys(object: T): Array<string | null>;
  /**
   * Applies the event. Answers `{ignored: reason}` for an event that is not the portal's business (e.g. a
   * Checkout Session another app created): it is recorded as IGNORED with that reason, changing nothing.
   */
  handle(ctx: HandlerContext, object: T): Promise<void | Ignored>;
  /** Set for events about an existing license: what the event does to it (also used by the replay). */
  apply?(ctx: HandlerContext, license: License, object: T): Promise<License>;
};

/**
 * A handler for an event about a license. When the license does not exist yet
 * (its checkout event is still to come), the handler changes nothing: the event
 * stays recorded as PROCESSED and is applied when the license is minted.
 */
export function licenseEvent<T>(spec: {
  lockKeys(object: T): Array<string | null>;
  findLicense(ctx: HandlerContext, object: T): Promise<License | null>;
  apply(ctx: HandlerContext, license: License, object: T): Promise<License>;
}): EventHandler<T> {
  return {
    lockKeys: spec.lockKeys,
    apply: spec.apply,
    async handle(ctx, object) {
      const license = await spec.findLicense(ctx, object);
      if (license) await spec.apply(ctx, license, object);
    },
  };
}

/**
 * Stripe does not deliver events in order. A subscription event older than one
 * already applied (of `types`, or of any type) describes a state the
 * subscription has left, so handlers skip its status change. A replay applies
 * events oldest first, so nothing in it is outdated.
 */
export async function isOutdated(ctx: HandlerContext, subscriptionId: string | null, types?: string[]): Promise<boolean> {
  return !ctx.replaying && subscriptionId !== null && (await newerEventProcessed(ctx.tx, ctx.event, subscriptionId, types));
}
