// The request a piece of code is running for, without passing it down every
// call: AsyncLocalStorage follows the request through awaits, timers and
// Next's rendering, so any log line written on its behalf can carry its id.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

export type RequestContext = {
  /** The id in `X-Request-Id`: the caller's when well-formed, otherwise a new UUID. */
  requestId: string;
};

// One storage per process: the custom server enters it, Next's bundle of this
// module (a second module instance in the same process) must read the same one.
const KEY = Symbol.for("license-portal.request-context");
const holder = globalThis as unknown as { [KEY]?: AsyncLocalStorage<RequestContext> };
const storage = (holder[KEY] ??= new AsyncLocalStorage<RequestContext>());

/** The header that carries the id both ways. */
export const REQUEST_ID_HEADER = "X-Request-Id";

// What we accept from a caller (a load balancer, an API gateway, a client
// correlating its own logs): 1-128 visible characters of the usual id
// alphabets (UUIDs, ULIDs, AWS/Heroku/Cloudflare trace ids). Anything else,
// e.g. a value meant to forge log lines, is replaced by our own id.
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}$/;

/** The caller's id when `incoming` is well-formed (first value of a repeated header), else a new UUID. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && WELL_FORMED.test(value) ? value : randomUUID();
}

/** Runs `fn` as part of the request `context`. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The id of the request the caller is running for, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
