"use client";

import { useActionState, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { dangerButton, dangerOutlineButton, secondaryButton } from "./buttons";

export type DeactivateAction = (prev: { error?: string }, data: FormData) => Promise<{ error?: string }>;

/**
 * Deactivate with a confirm step: the first press only asks, the second frees the seat.
 * Focus follows the step (to "Yes, deactivate", back to "Deactivate" on cancel or Escape).
 */
export function DeactivateMachine(props: { licenseId: string; machineId: string; label: string; action: DeactivateAction }) {
  const [state, formAction, pending] = useActionState(props.action, {});
  // Confirming is tied to the answer it was asked under: a new answer (an error) ends it by itself.
  const [askedFor, setAskedFor] = useState<typeof state | null>(null);
  const confirming = askedFor === state;
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);

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
  const errorId = `deactivate-error-${props.machineId}`;

  return (
    <div className="flex flex-col items-stretch gap-1 sm:items-end">
      {confirming ? (
        <form action={formAction} onKeyDown={onKeyDown} className="flex flex-col gap-2 sm:items-end">
          <input type="hidden" name="licenseId" value={props.licenseId} />
          <input type="hidden" name="machineId" value={props.machineId} />
          <span className="text-sm text-slate-700">Free this seat?</span>
          <div className="flex gap-2">
            <button ref={confirmRef} type="submit" disabled={pending} aria-label={`Yes, deactivate ${props.label}`} className={dangerButton}>
              {pending ? "Deactivating…" : "Yes, deactivate"}
            </button>
            <button type="button" disabled={pending} onClick={() => toggle(false)} className={secondaryButton}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button
          ref={startRef}
          type="button"
          onClick={() => toggle(true)}
          aria-label={`Deactivate ${props.label}`}
          aria-describedby={state.error ? errorId : undefined}
          className={dangerOutlineButton}
        >
          Deactivate
        </button>
      )}
      {state.error && (
        <p id={errorId} role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      )}
    </div>
  );
}
