import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Every unknown path: the site's own header and a way on, instead of Next's bare default page. */
export default function NotFound() {
  return (
    <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="text-2xl font-bold tracking-tight">Page not found</h1>
      <p className="text-slate-700">There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <ul className="flex flex-wrap gap-4 font-medium">
        <li>
          <Link href="/" className="text-indigo-700 underline">
            Home
          </Link>
        </li>
        <li>
          <Link href="/pricing" className="text-indigo-700 underline">
            Pricing
          </Link>
        </li>
        <li>
          <Link href="/account" className="text-indigo-700 underline">
            My licenses
          </Link>
        </li>
      </ul>
    </div>
  );
}
