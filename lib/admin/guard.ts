// Who may use the admin console. Every page calls requireAdmin and every server
// action is built with consoleAction, so authorization never depends on a layout
// or on middleware having run (a server action can be posted to directly).
//
// The session comes in through `getUser`, so tests can stand in a customer, an
// admin or nobody without a request; Next's own request APIs live only in the
// default dependencies (app/admin/actions.ts passes them).
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import type { Actor } from "../audit/log";
import type { SessionUser } from "../auth/session";
import { ApiError } from "../http/errors";
import { clientIpFromHeaders } from "../http/next-adapter";
import { actionError, type ActionState, type ConsoleAction } from "./action-state";

declare const adminBrand: unique symbol;

/**
 * A signed-in admin, as only this module hands it out: lib/admin functions take
 * one, so the type system shows they are never reached without the check.
 */
export type ConsoleAdmin = { readonly id: string; readonly email: string; readonly [adminBrand]: true };

export type GetUser = () => Promise<SessionUser | null>;

// Loaded on first use: Auth.js imports Next's server runtime, which only exists
// inside Next, and the tests pass their own getUser instead.
const sessionUser: GetUser = async () => (await import("../auth/session")).currentUser();

function asAdmin(user: SessionUser): ConsoleAdmin {
  return { id: user.id, email: user.email } as ConsoleAdmin;
}

/** The admin as the audit log records them. */
export function adminActor(admin: ConsoleAdmin): Actor {
  return { type: "user", id: admin.id, label: admin.email };
}

/**
 * For pages: signed-out visitors go to sign in and come back; a signed-in
 * non-admin gets a plain 404, so the console's existence is not advertised.
 */
export async function requireAdmin(returnTo: string, getUser: GetUser = sessionUser): Promise<ConsoleAdmin> {
  const user = await getUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!user.isAdmin) notFound();
  return asAdmin(user);
}

/**
 * For the console's layout, which cannot know the page's path: a customer gets
 * the 404 here, before anything renders; a signed-out visitor gets null and the
 * page's own requireAdmin sends them to sign in with the right return address.
 */
export async function adminLayoutGate(getUser: GetUser = sessionUser): Promise<ConsoleAdmin | null> {
  const user = await getUser();
  if (!user) return null;
  if (!user.isAdmin) notFound();
  return asAdmin(user);
}

/**
 * For the console's route handlers (a streamed upload, a file download: what a server action
 * cannot serve): the admin, their audit actor and client IP. Throws ApiError 401 when no
 * admin is signed in, 403 for a request from another origin (browsers send Origin on every
 * POST and PUT; a cross-site form must not spend an admin's session).
 */
export async function requireAdminRequest(request: Request, getUser: GetUser = sessionUser): Promise<{ admin: ConsoleAdmin; actor: Actor; ip: string }> {
  const user = await getUser();
  if (!user?.isAdmin) throw new ApiError("UNAUTHORIZED", "Sign in as an admin");
  const origin = request.headers.get("origin");
  if (origin !== null && URL.parse(origin)?.host !== request.headers.get("host")) {
    throw new ApiError("FORBIDDEN", "Cross-site requests are not allowed");
  }
  const admin = asAdmin(user);
  return { admin, actor: adminActor(admin), ip: clientIpFromHeaders(request.headers) };
}

export type ActionDeps = {
  getUser: GetUser;
  /** the caller's address for the audit log */
  clientIp: () => Promise<string | null>;
  /** after a successful change: make the console's pages show it */
  afterChange: () => void;
  /** for results that name a page to go to (e.g. a license just issued) */
  redirect: (url: string) => never;
};

export type ActionContext = { ip: string | null };

/** What a console action's body returns; `redirectTo` is followed by the wrapper. */
export type ActionResult = ActionState & { redirectTo?: string };

export const SESSION_ENDED = "Your session has ended. Sign in again.";
export const NOT_ALLOWED = "Not found.";

/** A form as a plain object; repeated names keep their last value (no console form repeats one). */
function formObject(form: FormData | Record<string, unknown>): Record<string, unknown> {
  if (!(form instanceof FormData)) return form;
  const out: Record<string, unknown> = {};
  for (const [name, value] of form) if (typeof value === "string" && !name.startsWith("$ACTION")) out[name] = value;
  return out;
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    out[field] ??= issue.message;
  }
  return out;
}

/**
 * Builds server actions (Vercel SaaS starter style): each one checks the session
 * and the admin role, then validates its form with zod, and only then runs.
 * A customer or a signed-out caller gets an error state and nothing runs.
 */
export function consoleActionFactory(deps: ActionDeps) {
  return function consoleAction<S extends z.ZodType>(
    schema: S,
    run: (admin: ConsoleAdmin, input: z.output<S>, ctx: ActionContext) => Promise<ActionResult>,
  ): ConsoleAction {
    return async (_prev, form) => {
      const user = await deps.getUser();
      if (!user) return { error: SESSION_ENDED };
      if (!user.isAdmin) return { error: NOT_ALLOWED };
      const parsed = schema.safeParse(formObject(form));
      if (!parsed.success) return { error: "Check the form: some values are not valid.", fieldErrors: fieldErrors(parsed.error) };
      let result: ActionResult;
      try {
        result = await run(asAdmin(user), parsed.data, { ip: await deps.clientIp() });
      } catch (error) {
        return actionError(error);
      }
      if (result.ok) deps.afterChange();
      const { redirectTo, ...state } = result;
      if (redirectTo) deps.redirect(redirectTo);
      return state;
    };
  };
}
