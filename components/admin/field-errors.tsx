"use client";

import { createContext, useContext } from "react";

/**
 * The field problems of the answer a console form got (field name → message, as
 * lib/admin/action-state.ts's `fieldErrors`), handed down by ActionForm so each field
 * shows its own problem beside itself instead of in a list far from it.
 */
export const FieldErrorsContext = createContext<Record<string, string> | undefined>(undefined);

/** The problem with field `name` (or any of its parts, e.g. `entitlements.2`), if the last answer named one. */
export function useFieldError(name: string): string | undefined {
  const errors = useContext(FieldErrorsContext);
  if (!errors) return undefined;
  if (errors[name]) return errors[name];
  const part = Object.keys(errors).find((key) => key.startsWith(`${name}.`));
  return part ? errors[part] : undefined;
}
