"use client";

import { startTransition, useActionState, useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { ActionState, ConsoleAction } from "@/lib/admin/action-state";
import { FieldErrorsContext } from "./field-errors";
import { SecretValue } from "./secret-value";
import { buttons, type ButtonVariant } from "./styles";

type Props = {
  action: ConsoleAction;
  /** the submit button's text */
  submit: string;
  /** its accessible name, when the text alone is ambiguous on the page (e.g. per row) */
  submitLabel?: string;
  variant?: ButtonVariant;
  hidden?: Record<string, string>;
  /**
   * For what cannot be undone: the first press only asks; the second submits
   * with confirm=yes, which the server action requires too.
   */
  confirm?: { question: string; yes: string };
  /** how a one-time secret in the answer is introduced (an API token, a license key) */
  secretLabel?: string;
  children?: ReactNode;
  className?: string;
  /** field name → label, to say which field a problem is in */
  fieldLabels?: Record<string, string>;
};

/**
 * A form bound to a console server action, with its answer (success, error,
 * field problems, a secret shown once) announced in a live region beside it;
 * each field shows its own problem beside itself (FieldErrorsContext). What was
 * typed stays in the fields after an answer: React resets a form whose `action`
 * is a function once the action settles, which emptied a half-right form on a
 * validation error, so with JavaScript the form is submitted through the action
 * by hand (no reset); without it the browser posts it as before.
 */
export function ActionForm(props: Props) {
  const [state, formAction, pending] = useActionState(props.action, {});
  // Confirming belongs to the answer it was asked under: a new answer ends it.
  const [askedFor, setAskedFor] = useState<ActionState | null>(null);
  const confirming = props.confirm !== undefined && askedFor === state;
  const yesRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  const statusId = useId();

  useEffect(() => {
    if (!moved.current) return; // never on first render: the page must not steal focus
    (confirming ? yesRef : startRef).current?.focus();
  }, [confirming]);

  const ask = (value: boolean) => {
    moved.current = true;
    setAskedFor(value ? state : null);
  };

  const problems = Object.entries(state.fieldErrors ?? {});
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
        startTransition(() => formAction(data));
      }}
      className={props.className ?? "space-y-3"}
      onKeyDown={(e) => {
        if (confirming && e.key === "Escape" && !pending) ask(false);
      }}
    >
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <FieldErrorsContext value={state.fieldErrors}>{props.children}</FieldErrorsContext>
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Confirm">
          <input type="hidden" name="confirm" value="yes" />
          <span className="text-sm font-medium text-slate-800">{props.confirm!.question}</span>
          <button ref={yesRef} type="submit" disabled={pending} className={buttons.danger}>
            {pending ? "Working…" : props.confirm!.yes}
          </button>
          <button type="button" disabled={pending} onClick={() => ask(false)} className={buttons.secondary}>
            Cancel
          </button>
        </div>
      ) : props.confirm ? (
        <button ref={startRef} type="button" onClick={() => ask(true)} aria-label={props.submitLabel} aria-describedby={statusId} className={buttons[props.variant ?? "dangerOutline"]}>
          {props.submit}
        </button>
      ) : (
        <button type="submit" disabled={pending} aria-label={props.submitLabel} aria-describedby={statusId} className={buttons[props.variant ?? "primary"]}>
          {pending ? "Working…" : props.submit}
        </button>
      )}
      <div id={statusId} aria-live="polite" className="text-sm">
        {state.message && <p className="text-emerald-800">✓ {state.message}</p>}
        {state.error && (
          <div role="alert" className="text-red-700">
            <p>✗ {state.error}</p>
            {problems.length > 0 && (
              <ul className="list-disc pl-5">
                {problems.map(([field, message]) => (
                  <li key={field}>
                    {props.fieldLabels?.[field.split(".")[0] ?? field] ?? field}: {message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {state.secret && <SecretValue label={props.secretLabel ?? "Secret"} value={state.secret} />}
      </div>
    </form>
  );
}
