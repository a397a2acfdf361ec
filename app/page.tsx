import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { TrialLink } from "@/components/trial-link";
import { formatPrice, listPublicProducts } from "@/lib/catalog/plans";
import { storeSettings } from "@/lib/storefront/settings";

export async function generateMetadata(): Promise<Metadata> {
  await connection();
  const store = await storeSettings();
  return { title: { absolute: store.name }, description: store.headline ?? undefined };
}

const primary = "rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";
const secondary = "rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/** The vendor's storefront: their name and words (console → Storefront), then each product on sale with its plans. */
export default async function LandingPage() {
  await connection(); // the catalogue and the store's words come from the database at request time
  const [store, products] = await Promise.all([storeSettings(), listPublicProducts()]);
  return (
    <div className="space-y-12">
      <section className="space-y-5">
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">{store.name}</h1>
        {store.headline && <p className="max-w-2xl text-xl text-slate-800">{store.headline}</p>}
        {store.description && <p className="max-w-2xl text-lg text-slate-600">{store.description}</p>}
        <div className="flex flex-wrap gap-3">
          <Link prefetch={false} href="/pricing" className={primary}>
            See pricing
          </Link>
          <Link prefetch={false} href="/signin" className={secondary}>
            Sign in
          </Link>
        </div>
      </section>
      {products.length === 0 ? (
        <p className="text-slate-600">Nothing is on sale yet.</p>
      ) : (
        products.map((product) => (
          <section key={product.slug} aria-labelledby={`landing-${product.slug}`} className="space-y-4">
            <div>
              <h2 id={`landing-${product.slug}`} className="text-2xl font-semibold tracking-tight">
                {product.name}
              </h2>
              {product.description && <p className="mt-1 max-w-2xl text-slate-600">{product.description}</p>}
            </div>
            <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {product.plans.map((plan) => (
                <li key={plan.slug} className="rounded-lg border border-slate-200 bg-white p-5" data-landing-plan={plan.slug}>
                  <h3 className="font-semibold">{plan.name}</h3>
                  <p className="mt-1 text-lg font-bold">{formatPrice(plan)}</p>
                  {plan.description && <p className="mt-1 text-sm text-slate-600">{plan.description}</p>}
                  {plan.features.length > 0 && (
                    <ul className="mt-3 space-y-1 text-sm text-slate-700">
                      {plan.features.map((f) => (
                        <li key={f.code}>✓ {f.name}</li>
                      ))}
                    </ul>
                  )}
                  {plan.trialDays != null && (
                    <div className="mt-4">
                      <TrialLink plan={plan.slug} days={plan.trialDays} label={`${plan.productName} ${plan.name}`} />
                    </div>
                  )}
                </li>
              ))}
            </ul>
            <Link prefetch={false} href={`/pricing#${product.slug}`} className="inline-block font-medium text-indigo-700 underline hover:text-indigo-900">
              Compare {product.name} plans and buy
            </Link>
          </section>
        ))
      )}
    </div>
  );
}
