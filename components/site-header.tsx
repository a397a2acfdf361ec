import Link from "next/link";

const links = [
  { href: "/pricing", label: "Pricing" },
  { href: "/docs/api", label: "API docs" },
  { href: "/signin", label: "Sign in" },
];

export function SiteHeader() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          License Portal
        </Link>
        <ul className="flex gap-4 text-sm">
          {links.map((l) => (
            <li key={l.href}>
              <Link href={l.href} className="rounded px-1 py-0.5 text-slate-700 hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-indigo-600">
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
