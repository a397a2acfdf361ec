import type { Metadata } from "next";
import { connection } from "next/server";
import { TrialLink } from "@/components/trial-link";
import { formatPrice, listPublicProducts } from "@/lib/catalog/plans";
import { buyPlan } from "./actions";

export const metadata: Metadata = { title: "Pricing" };

function seatsLabel(maxMachines: number, floating: boolean) {
  const seats = `${maxMachines} ${maxMachines === 1 ? "machine" : "machines"}`;
  return floating ? `${seats} at a time (floating)` : seats;
}

const ERRORS: Record<string, string> = {
  plan: "That plan is not on sale.",
  noprice: "That plan cannot be bought online yet; please contact us.",
  unavailable: "Checkout is unavailable right now. Please try again in a minute.",
};

export default async function PricingPage(props: { searchParams: Promise<{ canceled?: string; error?: string }> }) {
  await connection(); // plans come from the database at request time, never from the build
  const products = await listPublicProducts();
  const { canceled, error } = await props.searchParams;
  return (
    <div className="space-y-8">
      <h1 className="text-3xl font-bold tracking-tight">Pricing</h1>
      {canceled && <p className="rounded-md border border-slate-300 bg-white p-3 text-sm">Checkout was canceled; you were not charged.</p>}
      {error && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {ERRORS[error] ?? ERRORS.unavailable}
        </p>
      )}
      {products.length === 0 ? (
        <p className="text-slate-600">No plans are on sale yet.</p>
      ) : (
        products.map((product) => (
          <section key={product.slug} id={product.slug} aria-labelledby={`product-${product.slug}`} className="scroll-mt-6 space-y-4">
            <div>
              <h2 id={`product-${product.slug}`} className="text-2xl font-semibold tracking-tight">
                {product.name}
              </h2>
              {product.description && <p className="mt-1 max-w-2xl text-slate-600">{product.description}</p>}
            </div>
            <ul className="grid gap-4 md:grid-cols-3">
              {product.plans.map((plan) => (
                <li key={plan.slug} className="flex flex-col rounded-lg border border-slate-200 bg-white p-5" data-plan={plan.slug}>
                  <h3 className="text-xl font-semibold">{plan.name}</h3>
                  <p className="mt-2 text-2xl font-bold">{formatPrice(plan)}</p>
                  {plan.description && <p className="mt-2 text-sm text-slate-600">{plan.description}</p>}
                  <ul className="mt-4 space-y-1 text-sm text-slate-700">
                    <li>{seatsLabel(plan.maxMachines, plan.floating)}</li>
                    <li>{plan.durationDays == null ? "Perpetual license" : plan.billingInterval ? `Renews every ${plan.billingInterval}` : `Valid ${plan.durationDays} days`}</li>
                    {plan.features.map((f) => (
                      <li key={f.code}>✓ {f.name}</li>
                    ))}
                  </ul>
                  <form action={buyPlan} className="mt-auto pt-5">
                    <input type="hidden" name="plan" value={plan.slug} />
                    <button
                      type="submit"
                      aria-label={`Buy ${plan.productName} ${plan.name}`}
                      className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                    >
                      Buy
                    </button>
                  </form>
                  {plan.trialDays != null && <TrialLink plan={plan.slug} days={plan.trialDays} label={`${plan.productName} ${plan.name}`} />}
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </div>
  );
}
