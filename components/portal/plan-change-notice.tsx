"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * After a plan change or an upgrade checkout: says whether it reached the license yet; while pending,
 * reloads the page every two seconds (for up to a minute) until Stripe's webhook has applied it.
 */
export function PlanChangeNotice(props: { state: "applied" | "pending"; what: "upgrade" | "change" }) {
  const router = useRouter();
  useEffect(() => {
    if (props.state !== "pending" || props.what !== "upgrade") return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > 60_000) clearInterval(timer);
      else router.refresh();
    }, 2000);
    return () => clearInterval(timer);
  }, [props.state, props.what, router]);
  const text =
    props.state === "applied"
      ? props.what === "upgrade"
        ? "Payment received: your license is on the plan you bought, with the same key and machines."
        : "Your subscription was changed; Stripe charged or credited the difference. The license shows its new plan and seats."
      : props.what === "upgrade"
        ? "Payment received — applying the upgrade to your license…"
        : "Stripe accepted the change; your license shows its new plan and seats within a minute.";
  return (
    <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900">
      {text}
    </p>
  );
}
