// What a console form gets back from its server action, and how errors become
// that answer. lib/admin functions throw ApiError (the project's one error type)
// with messages written for the admin; anything else is logged and answered
// generically, since its message may hold SQL or internals.
import { ApiError } from "../http/errors";
import { logger } from "../logging/logger";

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

/** The field problems an ApiError names (`issues: [{path: ["slug"], message}]`), keyed like zod's. */
function issueFields(issues: unknown[] | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const issue of issues ?? []) {
    if (typeof issue !== "object" || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (Array.isArray(path) && path.length > 0 && typeof message === "string") out[path.map(String).join(".")] ??= message;
  }
  return Object.keys(out).length ? out : undefined;
}

export function actionError(error: unknown): ActionState {
  if (error instanceof ApiError && error.code !== "INTERNAL") {
    const fieldErrors = issueFields(error.issues);
    return fieldErrors ? { error: error.message, fieldErrors } : { error: error.message };
  }
  logger().error({ err: error }, "admin console action failed");
  return { error: "That did not work: an unexpected error occurred. Try again, or check the server log." };
}
