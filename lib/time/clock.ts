// The clock of the license API's hot path, without Next's wrappers.
//
// When Next's server loads (next-server.js, at `next()`), it replaces the global `Date` with a
// wrapper whose constructor and `Date.now()` ask two AsyncLocalStorages whether a prerender is
// running (next/dist/server/node-environment-extensions/date.js), so that prerenders notice reads of
// the clock. The license API never prerenders, yet in the portal's process it paid that on every
// answer: in its validate profile (`node --import tsx scripts/bench/profile.ts`) the wrapper was
// 0.7 % of all samples, a few µs per request. This module keeps the constructor that was global when
// it was first evaluated. The custom server's modules, this one among them (through the license
// API's router and the logger), are evaluated before it creates the Next server, and `next` loads
// next-server.js, which installs the wrapper, only then; so that is the engine's own `Date`
// (clock.test.ts checks that a signed answer and its log line never call the wrapper). It is kept on
// globalThis, so the copy of this module inside Next's bundle (the route handlers that mount the
// same API) gets the same one. Dates it makes are ordinary Dates (`instanceof Date` holds: the
// wrapper shares the prototype). Being captured at load, this clock is not moved by vitest's fake
// timers: code that reads it takes its clock as a parameter where a test needs to move time (the
// rate limiter's MemoryStore).
const KEY = Symbol.for("license-portal.native-date");
const holder = globalThis as unknown as { [KEY]?: DateConstructor };
const NativeDate: DateConstructor = (holder[KEY] ??= Date);
const nativeNow = NativeDate.now;

/** The current time (a Date; UTC inside, like every Date). */
export function currentTime(): Date {
  return new NativeDate();
}

/** The current time in ms since the Unix epoch (UTC), as `Date.now()`. */
export function epochMs(): number {
  return nativeNow();
}

