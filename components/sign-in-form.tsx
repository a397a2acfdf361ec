"use client";

import { useActionState } from "react";
import type { SignInState } from "@/app/signin/actions";

export function SignInForm(props: {
  action: (prev: SignInState, data: FormData) => Promise<SignInState>;
  callbackUrl: string;
  /** the button's words; default "Email me a sign-in link" */
  submitLabel?: string;
}) {
  const [state, formAction, pending] = useActionState(props.action, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={props.callbackUrl} />
      <div className="space-y-1">
        <label htmlFor="email" className="block text-sm font-medium">
          Email address
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={state.email}
          aria-invalid={state.error ? true : undefined}
          aria-describedby={state.error ? "email-error" : undefined}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 focus-visible:outline-2 focus-visible:outline-indigo-600"
        />
        {state.error && (
          <p id="email-error" role="alert" className="text-sm text-red-700">
            {state.error}
          </p>
        )}
      </div>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
      >
        {pending ? "Sending…" : (props.submitLabel ?? "Email me a sign-in link")}
      </button>
    </form>
  );
}
