"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/licenses", label: "Licenses" },
  { href: "/admin/products", label: "Products & plans" },
  { href: "/admin/releases", label: "Releases" },
  { href: "/admin/storefront", label: "Storefront" },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/transfer", label: "Import & export" },
  { href: "/admin/events", label: "Stripe events" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/webhooks", label: "Webhooks" },
  { href: "/admin/emails", label: "Emails" },
  { href: "/admin/tokens", label: "API tokens" },
];

/** The console's sections; the current one is marked for screen readers too, not by colour alone. */
export function AdminNav() {
  const path = usePathname();
  const current = (href: string) => (href === "/admin" ? path === "/admin" : path === href || path.startsWith(`${href}/`) || (href === "/admin/products" && path.startsWith("/admin/plans/")));
  return (
    <nav aria-label="Admin console">
      <ul className="flex flex-wrap gap-1 border-b border-slate-200 text-sm">
        {SECTIONS.map((s) => {
          const active = current(s.href);
          return (
            <li key={s.href}>
              <Link
                href={s.href}
                aria-current={active ? "page" : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2 focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                  active ? "border-indigo-600 font-semibold text-slate-950" : "border-transparent text-slate-600 hover:text-slate-950"
                }`}
              >
                {s.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
