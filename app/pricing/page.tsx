import type { Metadata } from "next";
import { connection } from "next/server";
import { formatPrice, listPublicPlans } from "@/lib/catalog/plans";

export const metadata: Metadata = { title: "Pricing" };

function seatsLabel(maxMachines: number, floating: boolean) {
  const seats = `${maxMachines} ${maxMachines === 1 ? "machine" : "machines"}`;
  return floating ? `${seats} at a time (floating)` : seats;
}

export default async function PricingPage() {
  await connection(); // plans come from the database at request time, never from the build
  const plans = await listPublicPlans();
  return (
    <div className="space-y-8">
      <h1 className="text-3xl font-bold tracking-tight">Pricing</h1>
      {plans.length === 0 ? (
        <p className="text-slate-600">No plans are on sale yet.</p>
      ) : (
        <ul className="grid gap-4 md:grid-cols-3">
          {plans.map((plan) => (
            <li key={plan.slug} className="flex flex-col rounded-lg border border-slate-200 bg-white p-5" data-plan={plan.slug}>
              <p className="text-sm text-slate-500">{plan.productName}</p>
              <h2 className="text-xl font-semibold">{plan.name}</h2>
              <p className="mt-2 text-2xl font-bold">{formatPrice(plan)}</p>
              {plan.description && <p className="mt-2 text-sm text-slate-600">{plan.description}</p>}
              <ul className="mt-4 space-y-1 text-sm text-slate-700">
                <li>{seatsLabel(plan.maxMachines, plan.floating)}</li>
                <li>{plan.durationDays == null ? "Perpetual license" : `Valid ${plan.durationDays} days, renews automatically`}</li>
                {plan.entitlements.map((e) => (
                  <li key={e}>Feature: {e}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
