import type { Metadata } from "next";

export const metadata: Metadata = { title: "Check your email" };

export default function CheckEmailPage() {
  return (
    <div className="mx-auto max-w-sm space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Check your email</h1>
      <p className="text-slate-600">
        We sent you a sign-in link. Open it on this device to continue. It works once and expires in 24 hours.
      </p>
    </div>
  );
}
