// Fixed-window rate limits for the license API: one budget per client IP and a
// separate one per license key (API.md: 120 a minute each by default,
// RATE_LIMIT_PER_MINUTE overrides, 0 turns limiting off). Counters live in
// process memory, or in Redis when REDIS_URL is set so that every app instance
// shares them.
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { logger } from "../logging/logger";
import { ApiError } from "./errors";
import { epochMs } from "../time/clock";

export type RateLimitResult = { allowed: boolean; limit: number; remaining: number; resetSeconds: number };

export interface RateLimitStore {
  /** Counts one request in `bucket`'s current window; returns the count so far and the ms left in the window. */
  hit(bucket: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** The count so far in `bucket`'s current window without counting (0 and `resetMs` 0 when no window is open). */
  peek(bucket: string): Promise<{ count: number; resetMs: number }>;
}

export class MemoryStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  /**
   * `maxEntries` bounds memory when many distinct clients arrive within one window. `now`: the clock,
   * ms since the epoch (default the hot path's, lib/time/clock.ts; tests with fake timers pass
   * `() => Date.now()`).
   */
  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = epochMs,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  async hit(bucket: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    const now = this.now();
    const current = this.windows.get(bucket);
    if (current && current.resetAt > now) {
      current.count++;
      return { count: current.count, resetMs: current.resetAt - now };
    }
    // A new window is (re)inserted at the end, so the Map's iteration order is
    // the order windows expire in and the sweep below stops at the first live one.
    this.windows.delete(bucket);
    this.sweep(now);
    this.windows.set(bucket, { count: 1, resetAt: now + windowMs });
    return { count: 1, resetMs: windowMs };
  }

  async peek(bucket: string): Promise<{ count: number; resetMs: number }> {
    const now = this.now();
    const current = this.windows.get(bucket);
    return current && current.resetAt > now ? { count: current.count, resetMs: current.resetAt - now } : { count: 0, resetMs: 0 };
  }

  private sweep(now: number): void {
    for (const [bucket, w] of this.windows) {
      // Past the cap, the oldest live windows go too: an attacker spraying
      // addresses then only resets the counts of the least recent clients.
      if (w.resetAt > now && this.windows.size < this.maxEntries) return;
      this.windows.delete(bucket);
    }
  }
}

// INCR and the window's expiry in one atomic step: a crash between two separate
// commands would leave a counter without expiry, limiting its bucket forever.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

export class RedisStore implements RateLimitStore {
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "license-portal:rate-limit:",
  ) {}

  async hit(bucket: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    try {
      const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + bucket, windowMs)) as [number, number];
      this.failing = false;
      return { count, resetMs: ttl };
    } catch (error) {
      // Fail open: an outage of the rate limiter must not become an outage of the API.
      if (!this.failing) logger().error({ err: error }, "rate limiting is off until Redis answers again");
      this.failing = true;
      return { count: 0, resetMs: windowMs };
    }
  }

  async peek(bucket: string): Promise<{ count: number; resetMs: number }> {
    try {
      const [count, ttl] = await Promise.all([this.redis.get(this.prefix + bucket), this.redis.pttl(this.prefix + bucket)]);
      this.failing = false;
      return count === null || ttl < 0 ? { count: 0, resetMs: 0 } : { count: Number(count), resetMs: ttl };
    } catch (error) {
      if (!this.failing) logger().error({ err: error }, "rate limiting is off until Redis answers again");
      this.failing = true;
      return { count: 0, resetMs: 0 };
    }
  }
}

const DEFAULT_PER_MINUTE = 120;

function limitFromEnv(): number {
  const raw = process.env.RATE_LIMIT_PER_MINUTE;
  if (raw === undefined || raw.trim() === "") return DEFAULT_PER_MINUTE;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  logger().warn(`RATE_LIMIT_PER_MINUTE=${JSON.stringify(raw)} is not a whole number; using ${DEFAULT_PER_MINUTE}`);
  return DEFAULT_PER_MINUTE;
}

/** `limit`: requests per window and bucket; 0 when limiting is off. */
export type RateLimiter = { limit: number; check(bucket: string): Promise<RateLimitResult> };

/** A limit of 0 disables limiting: every check is allowed and carries no headers. */
export function rateLimiter(
  opts: { limit?: number; windowMs?: number; store?: RateLimitStore } = {},
): RateLimiter {
  const limit = opts.limit ?? limitFromEnv();
  const windowMs = opts.windowMs ?? 60_000;
  const store = opts.store ?? new MemoryStore();
  return {
    limit,
    async check(bucket) {
      if (limit === 0) return { allowed: true, limit: 0, remaining: 0, resetSeconds: 0 };
      const { count, resetMs } = await store.hit(bucket, windowMs);
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
      };
    },
  };
}

const SINGLETON = Symbol.for("license-portal.rate-limit");
const STORE = Symbol.for("license-portal.rate-limit-store");
const holder = globalThis as unknown as { [SINGLETON]?: RateLimiter; [STORE]?: RateLimitStore };

/**
 * The process-wide counters (memory, or Redis with REDIS_URL), shared by the
 * Node server and Next's bundle of this module (both live in one process, hence
 * globalThis rather than a module variable) and by every limiter.
 */
export function sharedRateLimitStore(): RateLimitStore {
  return (holder[STORE] ??= storeFromEnv());
}

/** The license API's limiter: RATE_LIMIT_PER_MINUTE per client IP and per key. */
export function defaultRateLimiter(): RateLimiter {
  return (holder[SINGLETON] ??= rateLimiter({ store: sharedRateLimitStore() }));
}

function storeFromEnv(): RateLimitStore {
  const url = process.env.REDIS_URL;
  if (!url) return new MemoryStore();
  const redis = new Redis(url, {
    // Fail fast instead of queueing requests behind a Redis that is down or slow.
    enableOfflineQueue: false,
    commandTimeout: 500,
  });
  // Connection errors also reject hit(), which logs them; without a listener
  // ioredis would print every reconnection attempt.
  redis.on("error", () => {});
  return new RedisStore(redis);
}

export function rateLimitHeaders(r: RateLimitResult): Record<string, string> {
  if (r.limit === 0) return {};
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(r.limit),
    "RateLimit-Remaining": String(r.remaining),
    "RateLimit-Reset": String(r.resetSeconds),
  };
  if (!r.allowed) headers["Retry-After"] = String(r.resetSeconds);
  return headers;
}

/** The bucket of a license key: a hash, so no clear key sits in memory or Redis. */
export function keyBucket(key: string): string {
  return "key:" + createHash("sha256").update(key.trim().toUpperCase()).digest("hex").slice(0, 32);
}

/**
 * Counts the request against its IP's budget and, when a key is given, the
 * key's. Returns the headers of the tighter budget for a successful response;
 * throws RATE_LIMITED when either is exhausted. With limiting off, no headers
 * and no work: not even the key's hash, which is a few µs of every answer.
 */
export async function enforceRateLimits(
  limiter: RateLimiter,
  { ip, key }: { ip: string; key?: string },
): Promise<Record<string, string>> {
  if (limiter.limit === 0) return {};
  const results = await Promise.all([
    limiter.check(`ip:${ip}`),
    ...(key === undefined ? [] : [limiter.check(keyBucket(key))]),
  ]);
  const denied = results.filter((r) => !r.allowed);
  // Denied: the client must wait for the later reset. Allowed: report the budget closest to running out.
  const tighter = denied.length > 0
    ? denied.reduce((a, b) => (b.resetSeconds > a.resetSeconds ? b : a))
    : results.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  const headers = rateLimitHeaders(tighter);
  if (denied.length > 0) throw new ApiError("RATE_LIMITED", "Too many requests", { headers });
  return headers;
}
