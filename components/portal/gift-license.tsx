"use client";

import { useActionState, useId } from "react";
import { ActionAnswer } from "./action-answer";
import { primaryButton, secondaryButton } from "./buttons";
import { DateTime } from "./date-time";
import type { OwnerAction, OwnerActionState } from "./owner-action-state";

export type GiftLicenseProps = {
  licenseId: string;
  /** the gift waiting for its receiver, if any */
  pending: { id: string; toEmail: string; expiresAt: Date } | null;
  /** why the license cannot be given (revoked, paid by a subscription); null: it can */
  unavailable: string | null;
  offer: OwnerAction;
  cancel: OwnerAction;
};

/**
 * "Give to someone else": the owner enters an address, the receiver gets a link and the license
 * moves when they accept it. While it waits, the owner sees to whom it was offered and can cancel.
 */
export function GiftLicense(props: GiftLicenseProps) {
  // One answer for both forms, so the line below always tells what happened last.
  const [state, formAction, pending] = useActionState<OwnerActionState, FormData>(
    (prev, data) => (data.get("giftId") ? props.cancel(prev, data) : props.offer(prev, data)),
    {},
  );
  const id = useId();
  if (props.unavailable) return <p className="text-sm text-slate-700">{props.unavailable}</p>;
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
      {props.pending ? (
        <form action={formAction} className="space-y-3" data-testid="pending-gift">
          <input type="hidden" name="giftId" value={props.pending.id} />
          <p className="text-sm break-words text-slate-800">
            Offered to <strong>{props.pending.toEmail}</strong>. The license stays yours until they accept; the link works until{" "}
            <DateTime value={props.pending.expiresAt} />.
          </p>
          <button type="submit" disabled={pending} className={secondaryButton}>
            {pending ? "Cancelling…" : "Cancel gift"}
          </button>
        </form>
      ) : (
        <form action={formAction} className="space-y-3">
          <input type="hidden" name="licenseId" value={props.licenseId} />
          <p className="text-sm text-slate-700">
            The person gets an email with a link. When they accept it, signed in with that address, the license is theirs: same key, and
            the machines keep their seats. You will no longer see it.
          </p>
          <div className="flex flex-wrap items-end gap-3">
            <div className="min-w-0 flex-1 space-y-1 text-sm">
              <label htmlFor={`${id}-email`} className="block font-medium">
                Their email address
              </label>
              <input
                id={`${id}-email`}
                name="email"
                type="email"
                required
                autoComplete="off"
                aria-describedby={state.error ? `${id}-answer` : undefined}
                className="w-full rounded-md border border-slate-300 px-3 py-1.5 focus-visible:outline-2 focus-visible:outline-indigo-600"
              />
            </div>
            <button type="submit" disabled={pending} className={primaryButton}>
              {pending ? "Sending…" : "Send gift link"}
            </button>
          </div>
        </form>
      )}
      <ActionAnswer state={state} id={`${id}-answer`} />
    </div>
  );
}
