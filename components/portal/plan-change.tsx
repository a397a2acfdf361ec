"use client";

import { useActionState } from "react";
import type { PlanChangeOffer, PlanChoice } from "@/lib/payments/upgrades";
import { primaryButton } from "./buttons";

type Action = (prev: { error?: string }, data: FormData) => Promise<{ error?: string }>;

const field = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600";

function Error({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p id={id} role="alert" className="text-sm text-red-700">
      {message}
    </p>
  ) : null;
}

/** Subscription: another plan and/or quantity, prorated by Stripe. */
function SubscriptionForm(props: { licenseId: string; offer: Extract<NonNullable<PlanChangeOffer>, { kind: "subscription" }>; action: Action }) {
  const [state, formAction, pending] = useActionState(props.action, {});
  const current = props.offer.plans.find((p) => p.current);
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end" aria-describedby="plan-change-help">
      <input type="hidden" name="licenseId" value={props.licenseId} />
      <div className="space-y-1">
        <label htmlFor="plan-change-plan" className="block text-sm font-medium">
          Plan
        </label>
        <select id="plan-change-plan" name="plan" defaultValue={current?.slug} className={field}>
          {props.offer.plans.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.name} — {p.maxMachines} {p.maxMachines === 1 ? "machine" : "machines"} each, {p.price}
              {p.current ? " (current)" : ""}
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor="plan-change-quantity" className="block text-sm font-medium">
          Quantity
        </label>
        <input id="plan-change-quantity" name="quantity" type="number" min={1} max={1000} required defaultValue={props.offer.quantity} className={field} />
      </div>
      <button type="submit" disabled={pending} className={primaryButton}>
        {pending ? "Changing…" : "Change subscription"}
      </button>
      <p id="plan-change-help" className="text-sm text-slate-600 sm:col-span-3">
        Each unit of quantity gives the plan&apos;s machines ({props.offer.activeMachines} in use now). Stripe charges or credits the
        difference for the rest of the period at once.
      </p>
      <div className="sm:col-span-3">
        <Error id="plan-change-error" message={state.error} />
      </div>
    </form>
  );
}

function BuyButton(props: { licenseId: string; plan: PlanChoice; label: string; action: Action }) {
  const [state, formAction, pending] = useActionState(props.action, {});
  const errorId = `upgrade-error-${props.plan.slug}`;
  return (
    <li className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 sm:flex-row sm:items-center sm:justify-between">
      <div>
        <p className="font-medium">{props.plan.name}</p>
        <p className="text-sm text-slate-600">
          {props.plan.maxMachines} {props.plan.maxMachines === 1 ? "machine" : "machines"}, {props.plan.price}
        </p>
      </div>
      <form action={formAction} className="flex flex-col gap-1 sm:items-end">
        <input type="hidden" name="licenseId" value={props.licenseId} />
        <input type="hidden" name="plan" value={props.plan.slug} />
        <button type="submit" disabled={pending} aria-describedby={state.error ? errorId : undefined} className={primaryButton}>
          {pending ? "Opening checkout…" : `${props.label} — ${props.plan.due ?? props.plan.price}`}
        </button>
        <Error id={errorId} message={state.error} />
      </form>
    </li>
  );
}

/**
 * The license page's plan section: a subscription's plan and quantity, a one-off license's upgrades,
 * or a trial's plans to buy. Same key and machines in every case.
 */
export function PlanChange(props: {
  licenseId: string;
  offer: NonNullable<PlanChangeOffer>;
  changeSubscription: Action;
  upgradeCheckout: Action;
}) {
  const { offer } = props;
  if (offer.kind === "subscription") return <SubscriptionForm licenseId={props.licenseId} offer={offer} action={props.changeSubscription} />;
  const label = offer.kind === "convert" ? "Buy" : "Upgrade";
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700">
        {offer.kind === "convert"
          ? "Buy a plan to keep this license when the trial ends: the same key, with your machines."
          : "Upgrade this license for the difference in price: the same key, with your machines."}
      </p>
      <ul className="space-y-2">
        {offer.plans.map((p) => (
          <BuyButton key={p.slug} licenseId={props.licenseId} plan={p} label={label} action={props.upgradeCheckout} />
        ))}
      </ul>
    </div>
  );
}
