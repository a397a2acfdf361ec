"use client";

import { useActionState, useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { ActionAnswer } from "./action-answer";
import { dangerButton, dangerOutlineButton, secondaryButton } from "./buttons";
import type { OwnerAction } from "./owner-action-state";

/**
 * "Regenerate key" with a confirm step: the first press only asks, the second replaces the key.
 * The new key is shown here once (and emailed); focus follows the step as in DeactivateMachine.
 */
export function RegenerateKey(props: { licenseId: string; action: OwnerAction }) {
  const [state, formAction, pending] = useActionState(props.action, {});
  const [askedFor, setAskedFor] = useState<typeof state | null>(null);
  const confirming = askedFor === state;
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  const id = useId();

  useEffect(() => {
    if (!moved.current) return; // not on first render: the page must not steal focus
    (confirming ? confirmRef : startRef).current?.focus();
  }, [confirming]);

  const toggle = (value: boolean) => {
    moved.current = true;
    setAskedFor(value ? state : null);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && !pending) toggle(false);
  };

  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
      <p className="text-sm text-slate-700">
        If the key leaked, replace it: the old key stops working at once, everywhere. Your machines keep their seats once the new key is
        entered on them, and the new key is emailed to you.
      </p>
      {confirming ? (
        <form action={formAction} onKeyDown={onKeyDown} className="flex flex-wrap items-center gap-2">
          <input type="hidden" name="licenseId" value={props.licenseId} />
          <input type="hidden" name="confirm" value="yes" />
          <span className="text-sm font-medium text-slate-800">Replace the key? The old one stops working at once.</span>
          <button ref={confirmRef} type="submit" disabled={pending} className={dangerButton}>
            {pending ? "Replacing…" : "Yes, new key"}
          </button>
          <button type="button" disabled={pending} onClick={() => toggle(false)} className={secondaryButton}>
            Cancel
          </button>
        </form>
      ) : (
        <button ref={startRef} type="button" onClick={() => toggle(true)} className={dangerOutlineButton}>
          Regenerate key…
        </button>
      )}
      {state.key && (
        <div className="space-y-1 text-sm">
          <p className="font-medium">Your new license key</p>
          <code data-testid="new-key" className="block rounded-md bg-slate-100 px-3 py-2 font-mono break-all select-all">
            {state.key}
          </code>
        </div>
      )}
      <ActionAnswer state={state} id={`${id}-answer`} />
    </div>
  );
}
