import Link from "next/link";

const linkClass = "rounded px-1 py-0.5 text-slate-700 hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-indigo-600";

/** The top navigation; `user` is the signed-in user, if any (the layout reads the session); `storeName` the vendor's. */
export function SiteHeader(props: { user: { email: string; isAdmin?: boolean } | null; signOut: () => Promise<void>; storeName: string }) {
  const { user } = props;
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          {props.storeName}
        </Link>
        <ul className="flex flex-wrap items-center gap-4 text-sm">
          <li>
            <Link href="/pricing" className={linkClass}>
              Pricing
            </Link>
          </li>
          <li>
            <Link href="/docs/api" className={linkClass}>
              API docs
            </Link>
          </li>
          {user ? (
            <>
              <li>
                <Link href="/account" className={linkClass}>
                  My licenses
                </Link>
              </li>
              {user.isAdmin && (
                <li>
                  <Link href="/admin" className={linkClass}>
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
              <Link href="/signin" className={linkClass}>
                Sign in
              </Link>
            </li>
          )}
        </ul>
      </nav>
    </header>
  );
}
