"use client";

import { useActionState, useState } from "react";
import type { RenewalState } from "@/app/account/subscription-actions";
import { formatDate } from "../format";
import { dangerOutlineButton, primaryButton, secondaryButton } from "./buttons";

/**
 * Cancel at period end, or Resume, for a subscription license, in place. Cancelling asks once more,
 * saying until when the license keeps working; the result (or why it failed) is announced.
 */
export function RenewalControl(props: {
  licenseId: string;
  /** set to end at the period's end: offer Resume */
  cancelAtPeriodEnd: boolean;
  /** the end of the paid period */
  periodEnd: Date | null;
  action: (prev: RenewalState, data: FormData) => Promise<RenewalState>;
}) {
  const [state, formAction, pending] = useActionState(props.action, {});
  const [confirming, setConfirming] = useState(false);
  const until = props.periodEnd ? formatDate(props.periodEnd, false) : null;

  return (
    <div className="space-y-2" data-testid="renewal-control">
      {props.cancelAtPeriodEnd ? (
        <form action={formAction} className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="licenseId" value={props.licenseId} />
          <input type="hidden" name="renew" value="on" />
          <p className="text-sm text-slate-700">Your subscription ends{until ? ` on ${until}` : " at the end of the period"} and will not renew.</p>
          <button type="submit" disabled={pending} className={primaryButton}>
            Resume subscription
          </button>
        </form>
      ) : confirming ? (
        <form action={formAction} className="flex flex-wrap items-center gap-3" onSubmit={() => setConfirming(false)}>
          <input type="hidden" name="licenseId" value={props.licenseId} />
          <input type="hidden" name="renew" value="off" />
          <p className="text-sm text-slate-700">
            Cancel the renewal? The license keeps working{until ? ` until ${until}` : " until the end of the period you paid for"}, and you can resume
            until then.
          </p>
          <button type="submit" disabled={pending} className={dangerOutlineButton}>
            Yes, cancel at period end
          </button>
          <button type="button" onClick={() => setConfirming(false)} className={secondaryButton}>
            Keep subscription
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} disabled={pending} className={secondaryButton}>
          Cancel subscription
        </button>
      )}
      <p role="status" aria-live="polite" className="text-sm">
        {state.error ? (
          <span className="text-red-800">{state.error}</span>
        ) : state.done === "canceled" && props.cancelAtPeriodEnd ? (
          "Your subscription will end at the end of the period. You can resume it until then."
        ) : state.done === "resumed" && !props.cancelAtPeriodEnd ? (
          "Your subscription is renewing again."
        ) : null}
      </p>
    </div>
  );
}
