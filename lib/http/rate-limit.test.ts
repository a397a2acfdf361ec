import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { logger } from "../logging/logger";
import { ApiError } from "./errors";
import {
  MemoryStore,
  RedisStore,
  defaultRateLimiter,
  enforceRateLimits,
  keyBucket,
  rateLimitHeaders,
  rateLimiter,
  type RateLimitStore,
} from "./rate-limit";

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

// The stores read the hot path's clock (lib/time/clock.ts), which vitest's fake timers do not move.
const fakeClock = () => Date.now();

describe("MemoryStore", () => {
  it("counts hits per bucket within a window and starts over when it ends", async () => {
    vi.useFakeTimers();
    const store = new MemoryStore(undefined, fakeClock);
    expect(await store.hit("a", 1000)).toEqual({ count: 1, resetMs: 1000 });
    vi.advanceTimersByTime(400);
    expect(await store.hit("a", 1000)).toEqual({ count: 2, resetMs: 600 });
    expect(await store.hit("b", 1000)).toEqual({ count: 1, resetMs: 1000 });
    vi.advanceTimersByTime(600);
    expect(await store.hit("a", 1000)).toEqual({ count: 1, resetMs: 1000 });
  });

  it("drops expired windows as new ones arrive", async () => {
    vi.useFakeTimers();
    const store = new MemoryStore(undefined, fakeClock);
    for (let i = 0; i < 1000; i++) await store.hit(`ip:${i}`, 1000);
    vi.advanceTimersByTime(1000);
    await store.hit("ip:new", 1000);
    expect(store.size).toBe(1);
  });

  it("never holds more than maxEntries windows, evicting the oldest", async () => {
    const store = new MemoryStore(3);
    for (const b of ["a", "b", "c", "d"]) await store.hit(b, 60_000);
    expect(store.size).toBe(3);
    expect((await store.hit("d", 60_000)).count).toBe(2);
    expect((await store.hit("a", 60_000)).count).toBe(1);
  });
});

describe("rateLimiter", () => {
  it("allows `limit` requests per window, then refuses until the window resets", async () => {
    vi.useFakeTimers();
    const limiter = rateLimiter({ limit: 2, windowMs: 10_000, store: new MemoryStore(undefined, fakeClock) });
    expect(await limiter.check("ip:1")).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 10 });
    expect(await limiter.check("ip:1")).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 10 });
    vi.advanceTimersByTime(2_500);
    expect(await limiter.check("ip:1")).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 8 });
    vi.advanceTimersByTime(7_500);
    expect((await limiter.check("ip:1")).allowed).toBe(true);
  });

  it("reports at least one second to wait, never 0", async () => {
    // Redis can report 0 ms left at the very end of a window.
    const store: RateLimitStore = { hit: async () => ({ count: 9, resetMs: 0 }), peek: async () => ({ count: 9, resetMs: 0 }) };
    expect((await rateLimiter({ limit: 1, store }).check("x")).resetSeconds).toBe(1);
  });

  it("reads RATE_LIMIT_PER_MINUTE when created, defaulting to 120 a minute", async () => {
    vi.useFakeTimers();
    vi.stubEnv("RATE_LIMIT_PER_MINUTE", "");
    expect(await rateLimiter().check("a")).toMatchObject({ limit: 120, resetSeconds: 60 });
    vi.stubEnv("RATE_LIMIT_PER_MINUTE", "7");
    expect(await rateLimiter().check("a")).toMatchObject({ limit: 7, remaining: 6 });
    vi.spyOn(logger(), "warn").mockImplementation(() => {});
    vi.stubEnv("RATE_LIMIT_PER_MINUTE", "lots");
    expect(await rateLimiter().check("a")).toMatchObject({ limit: 120 });
  });

  it("is off with a limit of 0, from the options or the environment, without touching the store", async () => {
    const store: RateLimitStore = { hit: vi.fn(async () => ({ count: 1_000_000, resetMs: 1 })), peek: vi.fn(async () => ({ count: 0, resetMs: 0 })) };
    vi.stubEnv("RATE_LIMIT_PER_MINUTE", "0");
    for (const limiter of [rateLimiter({ store }), rateLimiter({ limit: 0, store })]) {
      for (let i = 0; i < 5; i++) expect((await limiter.check("ip:1")).allowed).toBe(true);
      expect(await enforceRateLimits(limiter, { ip: "1.2.3.4", key: "K" })).toEqual({});
    }
    expect(store.hit).not.toHaveBeenCalled();
    // Off means no work per request at all: no bucket is even named (a key's bucket costs a hash).
    const off = { limit: 0, check: vi.fn() };
    expect(await enforceRateLimits(off, { ip: "1.2.3.4", key: "K" })).toEqual({});
    expect(off.check).not.toHaveBeenCalled();
  });
});

describe("rateLimitHeaders", () => {
  it("gives the budget, and Retry-After only when refused", () => {
    expect(rateLimitHeaders({ allowed: true, limit: 120, remaining: 119, resetSeconds: 60 })).toEqual({
      "RateLimit-Limit": "120",
      "RateLimit-Remaining": "119",
      "RateLimit-Reset": "60",
    });
    expect(rateLimitHeaders({ allowed: false, limit: 120, remaining: 0, resetSeconds: 17 })).toEqual({
      "RateLimit-Limit": "120",
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "17",
      "Retry-After": "17",
    });
  });
});

describe("enforceRateLimits", () => {
  const KEY = "ZP-A3K2P-X9M4Q-R7T2W-B5N8Z";

  async function refusal(promise: Promise<unknown>): Promise<ApiError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }

  it("limits each IP, answering 429 with the headers", async () => {
    const limiter = rateLimiter({ limit: 2 });
    expect(await enforceRateLimits(limiter, { ip: "1.1.1.1" })).toMatchObject({ "RateLimit-Remaining": "1" });
    await enforceRateLimits(limiter, { ip: "1.1.1.1" });
    const error = await refusal(enforceRateLimits(limiter, { ip: "1.1.1.1" }));
    expect(error.status).toBe(429);
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.headers).toMatchObject({ "RateLimit-Limit": "2", "RateLimit-Remaining": "0", "Retry-After": "60" });
    // Another IP has its own budget.
    expect(await enforceRateLimits(limiter, { ip: "2.2.2.2" })).toMatchObject({ "RateLimit-Remaining": "1" });
  });

  it("limits each key separately from the IPs using it, however the key is spelled", async () => {
    const limiter = rateLimiter({ limit: 2 });
    await enforceRateLimits(limiter, { ip: "10.0.0.1", key: KEY });
    await enforceRateLimits(limiter, { ip: "10.0.0.2", key: ` ${KEY.toLowerCase()}\n` });
    const error = await refusal(enforceRateLimits(limiter, { ip: "10.0.0.3", key: KEY }));
    expect(error.headers["Retry-After"]).toBe("60");
    // The IPs still have budget of their own, for other keys.
    expect(await enforceRateLimits(limiter, { ip: "10.0.0.3", key: "ZP-OTHER" })).toMatchObject({
      "RateLimit-Remaining": "0",
    });
  });

  it("returns the headers of the tighter budget", async () => {
    const limiter = rateLimiter({ limit: 5 });
    for (let i = 0; i < 3; i++) await enforceRateLimits(limiter, { ip: "9.9.9.9" });
    // IP: 4th hit (1 left); key: 1st hit (4 left).
    expect(await enforceRateLimits(limiter, { ip: "9.9.9.9", key: KEY })).toMatchObject({ "RateLimit-Remaining": "1" });
    for (let i = 0; i < 2; i++) await enforceRateLimits(limiter, { ip: `7.7.7.${i}`, key: KEY });
    // IP: 1st hit (4 left); key: 4th hit (1 left).
    expect(await enforceRateLimits(limiter, { ip: "6.6.6.6", key: KEY })).toMatchObject({ "RateLimit-Remaining": "1" });
  });

  it("when both budgets are spent, tells the client to wait for the later reset", async () => {
    vi.useFakeTimers();
    const limiter = rateLimiter({ limit: 1, store: new MemoryStore(undefined, fakeClock) });
    await enforceRateLimits(limiter, { ip: "9.9.9.9" });
    vi.advanceTimersByTime(30_000);
    await enforceRateLimits(limiter, { ip: "8.8.8.8", key: KEY });
    // IP window resets in 30 s, key window in 60 s.
    const error = await refusal(enforceRateLimits(limiter, { ip: "9.9.9.9", key: KEY }));
    expect(error.headers["Retry-After"]).toBe("60");
  });

  it("never stores the clear key", async () => {
    const buckets: string[] = [];
    const store: RateLimitStore = {
      peek: async () => ({ count: 0, resetMs: 0 }),
      hit: async (bucket) => {
        buckets.push(bucket);
        return { count: 1, resetMs: 60_000 };
      },
    };
    await enforceRateLimits(rateLimiter({ limit: 5, store }), { ip: "1.2.3.4", key: KEY });
    expect(buckets).toEqual(["ip:1.2.3.4", keyBucket(KEY)]);
    expect(keyBucket(KEY)).toMatch(/^key:[0-9a-f]{32}$/);
    expect(keyBucket(` ${KEY.toLowerCase()} `)).toBe(keyBucket(KEY));
    expect(buckets.join()).not.toContain("A3K2P");
  });
});

describe("defaultRateLimiter", () => {
  const SINGLETON = Symbol.for("license-portal.rate-limit");
  const holder = globalThis as Record<symbol, unknown>;
  afterEach(() => {
    delete holder[SINGLETON];
  });

  it("is one limiter per process, kept on globalThis, in memory without REDIS_URL", async () => {
    vi.stubEnv("REDIS_URL", "");
    vi.stubEnv("RATE_LIMIT_PER_MINUTE", "1");
    const limiter = defaultRateLimiter();
    expect(defaultRateLimiter()).toBe(limiter);
    expect(holder[SINGLETON]).toBe(limiter);
    expect((await limiter.check("ip:x")).allowed).toBe(true);
    expect((await defaultRateLimiter().check("ip:x")).allowed).toBe(false);
  });
});

describe("RedisStore", () => {
  const url = "redis://127.0.0.1:6379";
  const prefix = `test:rate-limit:${randomUUID()}:`;
  const clients: Redis[] = [];
  let reachable = false;

  async function client(): Promise<Redis> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on("error", () => {});
    clients.push(redis);
    await redis.connect();
    return redis;
  }

  beforeAll(async () => {
    try {
      await (await client()).ping();
      reachable = true;
    } catch {
      reachable = false;
    }
  });
  afterAll(async () => {
    if (reachable) {
      const keys = await clients[0]!.keys(`${prefix}*`);
      if (keys.length > 0) await clients[0]!.del(...keys);
    }
    for (const c of clients) c.disconnect();
  });

  it("shares one window between two app instances", async (ctx) => {
    if (!reachable) ctx.skip(`no Redis at ${url}; the shared-window test needs one`);
    const a = rateLimiter({ limit: 3, windowMs: 1_000, store: new RedisStore(await client(), prefix) });
    const b = rateLimiter({ limit: 3, windowMs: 1_000, store: new RedisStore(await client(), prefix) });
    expect(await a.check("ip:1")).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 1 });
    expect(await b.check("ip:1")).toMatchObject({ allowed: true, remaining: 1 });
    expect(await a.check("ip:1")).toMatchObject({ allowed: true, remaining: 0 });
    expect(await b.check("ip:1")).toMatchObject({ allowed: false, remaining: 0 });
    expect(await a.check("ip:2")).toMatchObject({ allowed: true, remaining: 2 });
    const ttl = await clients[0]!.pttl(`${prefix}ip:1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
    await new Promise((resolve) => setTimeout(resolve, ttl + 50));
    expect(await b.check("ip:1")).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("fails open, logging once, when Redis does not answer", async () => {
    const log = vi.spyOn(logger(), "error").mockImplementation(() => {});
    // Never connected and no offline queue: every command fails at once, as during an outage.
    const down = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false });
    const limiter = rateLimiter({ limit: 1, store: new RedisStore(down) });
    for (let i = 0; i < 3; i++) expect((await limiter.check("ip:1")).allowed).toBe(true);
    expect(log).toHaveBeenCalledTimes(1);
    down.disconnect();
  });
});
