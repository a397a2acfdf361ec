import Link from "next/link";

const linkClass = "rounded px-1 py-0.5 text-slate-700 hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-indigo-600";

// prefetch={false} on links here and on the storefront, pricing and portal pages: every page is
// rendered per request, so a viewport prefetch buys only the layout shell yet costs the server one
// render per link per page view (8 requests on /pricing, each twice) and the browser their parsing
// right when the page becomes interactive. The page is fetched on click instead.

/** The top navigation; `user` is the signed-in user, if any (the layout reads the session); `storeName` the vendor's. */
export function SiteHeader(props: { user: { email: string; isAdmin?: boolean } | null; signOut: () => Promise<void>; storeName: string }) {
  const { user } = props;
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <Link prefetch={false} href="/" className="text-lg font-semibold tracking-tight">
          {props.storeName}
        </Link>
        <ul className="flex flex-wrap items-center gap-4 text-sm">
          <li>
            <Link prefetch={false} href="/pricing" className={linkClass}>
              Pricing
            </Link>
          </li>
          <li>
            <Link prefetch={false} href="/docs/api" className={linkClass}>
              API docs
            </Link>
          </li>
          {user ? (
            <>
              <li>
                <Link prefetch={false} href="/account" className={linkClass}>
                  My licenses
                </Link>
              </li>
              {user.isAdmin && (
                <li>
                  <Link prefetch={false} href="/admin" className={linkClass}>
                    Admin
                  </Link>
                </li>
              )}
              <li>
                <form action={props.signOut}>
                  <button type="submit" className={linkClass} title={`Signed in as ${user.email}`}>
                    Sign out
                  </button>
                </form>
              </li>
            </>
          ) : (
            <li>
              <Link prefetch={false} href="/signin" className={linkClass}>
                Sign in
              </Link>
            </li>
          )}
        </ul>
      </nav>
    </header>
  );
}
