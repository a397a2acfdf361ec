// Why Auth.js refused to send a sign-in email, carried out of Auth.js. Auth.js turns any error thrown while
// sending into a redirect to `/signin?error=Configuration` ("not configured correctly") and logs it as an
// error (and, because it awaits something else before awaiting the send, Node reports the rejection as
// unhandled); the portal wants to tell the person what happened instead. The entry points run Auth.js
// inside `captureSignInOutcome` with the client's IP; the signIn callback counts the email there and
// records its refusal.
import { AsyncLocalStorage } from "node:async_hooks";
import { SignInEmailLimited } from "./sign-in-limits";

/** The address given is not exactly one well-formed address (lib/http/input.ts parseEmailAddress). */
export class InvalidSignInAddress extends Error {
  constructor() {
    super("The sign-in address is not exactly one email address");
    this.name = "InvalidSignInAddress";
  }
}

export type SignInRefusal = SignInEmailLimited | InvalidSignInAddress;
type Holder = { ip: string; refusal?: SignInRefusal };

// One instance per process: Next may load this module in more than one bundle layer.
const KEY = Symbol.for("license-portal.sign-in-outcome");
const scope = globalThis as unknown as { [KEY]?: AsyncLocalStorage<Holder> };
const storage = (scope[KEY] ??= new AsyncLocalStorage<Holder>());

/**
 * Runs `fn` (a call into Auth.js) for a client at `ip` and answers its result or error together with any
 * refusal recorded meanwhile.
 */
export async function captureSignInOutcome<T>(ip: string, fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; refusal?: SignInRefusal }> {
  const holder: Holder = { ip };
  try {
    const value = await storage.run(holder, fn);
    return { value, refusal: holder.refusal };
  } catch (error) {
    return { error, refusal: holder.refusal ?? refusalIn(error) };
  }
}

/** Records why nothing was sent, for the enclosing `captureSignInOutcome`, and returns the error to throw. */
export function recordRefusal(refusal: SignInRefusal): SignInRefusal {
  const holder = storage.getStore();
  if (holder) holder.refusal = refusal;
  return refusal;
}

/** The client IP the enclosing entry point gave, or null outside one. */
export function signInClientIp(): string | null {
  return storage.getStore()?.ip ?? null;
}

/** True while inside an entry point that has recorded a refusal (Auth.js's error log is then noise). */
export function refusalRecorded(): boolean {
  return storage.getStore()?.refusal !== undefined;
}

/** Our refusal anywhere in an error's `cause` chain (Auth.js wraps what sendVerificationRequest throws). */
export function refusalIn(error: unknown): SignInRefusal | undefined {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === "object" && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof SignInEmailLimited || e instanceof InvalidSignInAddress) return e;
    const inner = (e as { cause?: { err?: unknown } }).cause?.err;
    if (inner instanceof SignInEmailLimited || inner instanceof InvalidSignInAddress) return inner;
  }
  return undefined;
}
