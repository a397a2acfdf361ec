"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { CopyButton } from "./copy-button";

type Status = { state: "pending" } | { state: "unknown" } | { state: "ready"; licenseId: string; mine: boolean } | { state: "error" };

/**
 * Waits for the webhook to mint the license (it usually takes a second or
 * two), polling the status endpoint; this page never mints anything itself.
 */
export function CheckoutProgress(props: {
  sessionId: string;
  signedIn: boolean;
  /** the owner's key, fetched through a server action that checks ownership itself */
  reveal: (licenseId: string) => Promise<{ key?: string; error?: string }>;
}) {
  const [status, setStatus] = useState<Status>({ state: "pending" });
  const [slow, setSlow] = useState(false);
  const [key, setKey] = useState<string | null>(null);
  const { reveal } = props;

  useEffect(() => {
    if (status.state === "ready" && status.mine) void reveal(status.licenseId).then((r) => setKey(r.key ?? null));
  }, [status, reveal]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const started = Date.now();
    const poll = async () => {
      try {
        const res = await fetch(`/api/checkout/status?session_id=${encodeURIComponent(props.sessionId)}`, { cache: "no-store" });
        const next = (await res.json()) as Status;
        if (stopped) return;
        // 404 {state: "unknown"}: Stripe has no such session, so no license will ever come: stop asking.
        if (res.status === 404 && next.state === "unknown") return setStatus(next);
        if (!res.ok) return setStatus({ state: "error" });
        setStatus(next);
        if (next.state === "ready") return;
      } catch {
        // offline for a moment: keep trying
      }
      if (Date.now() - started > 20_000) setSlow(true);
      timer = setTimeout(poll, 1000);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [props.sessionId]);

  if (status.state === "unknown") {
    return (
      <p role="alert" data-testid="unknown-session">
        We have no purchase with this checkout session. Nothing was charged with it. If you did pay, your license key is in the
        email we sent to the address you paid with.
      </p>
    );
  }
  if (status.state === "error") {
    return <p role="alert">We could not look up this purchase. If you paid, your key is on its way by email.</p>;
  }
  if (status.state === "pending") {
    return (
      <div role="status" aria-live="polite" className="space-y-2">
        <p className="flex items-center gap-2">
          <span aria-hidden className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-indigo-600 border-t-transparent" />
          Payment received — creating your license…
        </p>
        {slow && <p className="text-sm text-slate-600">This is taking longer than usual. Your key will also arrive by email.</p>}
      </div>
    );
  }
  if (status.mine) {
    return (
      <div role="status" className="space-y-3">
        <p className="font-medium">Your license is ready.</p>
        {key && (
          <div className="flex flex-wrap items-center gap-2">
            <span>Your license key:</span>
            <code className="rounded bg-slate-100 px-2 py-1 font-mono break-all" data-testid="purchased-key">
              {key}
            </code>
            <CopyButton value={key} label="Copy key" />
          </div>
        )}
        <Link href="/account" className="inline-block rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700">
          Manage your license
        </Link>
      </div>
    );
  }
  return (
    <div role="status" className="space-y-2">
      <p className="font-medium">Your license is ready — check your email.</p>
      <p className="text-slate-600">We sent the license key to the address you paid with.</p>
      {!props.signedIn && (
        <p className="text-slate-600">
          <Link href="/signin?callbackUrl=%2Faccount" className="font-medium text-indigo-700 underline">
            Sign in
          </Link>{" "}
          with that address to see your orders and manage your machines.
        </p>
      )}
    </div>
  );
}
