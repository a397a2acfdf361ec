"use client";

import Link from "next/link";
import { useActionState } from "react";
import { ActionAnswer } from "./action-answer";
import { primaryButton } from "./buttons";
import type { OwnerAction } from "./owner-action-state";

/**
 * The receiver's confirmation. A button, not the link itself: mail scanners fetch every link in
 * a message, and a license must not change hands because one did.
 */
export function AcceptGift(props: { token: string; action: OwnerAction }) {
  const [state, formAction, pending] = useActionState(props.action, {});
  if (state.ok && state.licenseId) {
    return (
      <div className="space-y-3">
        <ActionAnswer state={state} id="accept-answer" />
        <Link href={`/account/licenses/${state.licenseId}`} className={primaryButton}>
          Open the license
        </Link>
      </div>
    );
  }
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="token" value={props.token} />
      <button type="submit" disabled={pending} className={primaryButton}>
        {pending ? "Accepting…" : "Accept the license"}
      </button>
      <ActionAnswer state={state} id="accept-answer" />
    </form>
  );
}
