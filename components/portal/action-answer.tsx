import type { OwnerActionState } from "./owner-action-state";

/** The answer of an owner action: a status line for success, an alert for an error. */
export function ActionAnswer({ state, id }: { state: OwnerActionState; id: string }) {
  if (state.error) {
    return (
      <p id={id} role="alert" className="text-sm text-red-700">
        {state.error}
      </p>
    );
  }
  if (state.message) {
    return (
      <p id={id} role="status" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900">
        {state.message}
      </p>
    );
  }
  return null;
}
