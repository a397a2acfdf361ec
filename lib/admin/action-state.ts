// What a console form gets back from its server action, and how errors become
// that answer. lib/admin functions throw ApiError (the project's one error type)
// with messages written for the admin; anything else is logged and answered
// generically, since its message may hold SQL or internals.
import { ApiError } from "../http/errors";

export type ActionState = {
  ok?: boolean;
  /** what happened, for a status line */
  message?: string;
  error?: string;
  /** field name → first problem, for forms that show it beside the field */
  fieldErrors?: Record<string, string>;
  /** a secret shown exactly once (a new API token) */
  secret?: string;
};

/** A console server action as a form calls it (useActionState): the previous answer and the form in, the new answer out. */
export type ConsoleAction = (prev: ActionState, form: FormData) => Promise<ActionState>;

export function actionError(error: unknown): ActionState {
  if (error instanceof ApiError && error.code !== "INTERNAL") return { error: error.message };
  console.error("Admin console action failed:", error);
  return { error: "That did not work: an unexpected error occurred. Try again, or check the server log." };
}
