import Link from "next/link";

/** The same answer for a missing id and for someone else's license: nothing tells them apart. */
export default function LicenseNotFound() {
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-2xl font-bold tracking-tight">License not found</h1>
      <p className="text-slate-700">There is no such license in your account. If you bought it with another email address, sign in with that one.</p>
      <Link href="/account" className="inline-block font-medium text-indigo-700 underline">
        Back to my licenses
      </Link>
    </div>
  );
}
