import Link from "next/link";

const features = [
  { title: "Checkout to key in seconds", body: "Customers pay through Stripe Checkout; a webhook mints the license and emails the key, exactly once." },
  { title: "Machine activation", body: "Keys lock to machine fingerprints with seat limits that hold under any concurrency, and floating seats with heartbeats." },
  { title: "Signed answers", body: "Every license API response is signed with Ed25519, so a patched proxy cannot fake “valid”. Offline license files keep apps running." },
  { title: "Self-service", body: "Customers free a seat or move a license to a new machine themselves, without writing to support." },
];

export default function LandingPage() {
  return (
    <div className="space-y-12">
      <section className="space-y-5">
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">License Portal</h1>
        <p className="max-w-2xl text-lg text-slate-600">
          Sell your software, issue license keys and enforce them: Stripe checkout, machine activation, floating
          seats, offline licenses and a fast, signed license API, in one self-hosted app.
        </p>
        <div className="flex flex-wrap gap-3">
          <Link href="/pricing" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            See pricing
          </Link>
          <Link href="/signin" className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            Sign in
          </Link>
          <Link href="/docs/api" className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
            API docs
          </Link>
        </div>
      </section>
      <section aria-labelledby="features" className="grid gap-4 sm:grid-cols-2">
        <h2 id="features" className="sr-only">Features</h2>
        {features.map((f) => (
          <div key={f.title} className="rounded-lg border border-slate-200 bg-white p-5">
            <h3 className="font-semibold">{f.title}</h3>
            <p className="mt-1 text-sm text-slate-600">{f.body}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
