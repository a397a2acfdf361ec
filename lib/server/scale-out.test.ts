// Scale-out proven, not claimed: three portal instances (lib/test/api-server.ts,
// each with its job engine and workers, as `npm start` runs them) behind Debian's
// HAProxy, on one PostgreSQL and one Redis (a private redis-server), with the same
// secrets. Seats hold, rate limits are shared, a suspension is seen by every
// instance, each webhook event reaches its endpoint once and each scheduled job
// slot runs once.
import http from "node:http";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { setupTestDatabase } from "../test/database";
import { describeWithDaemons, startHAProxy, startRedis, type HAProxy, type RedisServer } from "../test/daemons";
import { createLicense } from "../test/licenses";
import { spawnApiServer, type SpawnedServer } from "../test/spawn-api-server";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";

const database = setupTestDatabase();

/** Per minute, per client IP and per key, on every instance (RATE_LIMIT_PER_MINUTE). */
const LIMIT = 40;
const ADMIN_TOKEN = "scale-out-admin-token-0123456789abcdef";

type Answer = { status: number; servedBy: string; json: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A request from the loopback address `from` (127.0.0.0/8 is all loopback on
 * Linux): each part of the test is its own client, with its own per-IP budget.
 */
function send(base: string, path: string, options: { from: string; body?: unknown; method?: string; headers?: Record<string, string> }): Promise<Answer> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? (payload ? "POST" : "GET"),
        localAddress: options.from,
        agent: false,
        headers: { ...(payload ? { "content-type": "application/json" } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: kept as text for the failure message
          }
          resolve({ status: res.statusCode!, servedBy: String(res.headers["x-served-by"] ?? ""), json });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

describeWithDaemons(["haproxy", "redis-server"], "three instances behind HAProxy on one PostgreSQL and one Redis", () => {
  let redis: RedisServer;
  let receiver: WebhookReceiver;
  let servers: SpawnedServer[] = [];
  let balancer: HAProxy;
  let direct: pg.Client;
  let startedAt: Date;

  beforeAll(async () => {
    redis = await startRedis();
    receiver = await startWebhookReceiver();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      // One proxy in front: the client address is HAProxy's X-Forwarded-For entry.
      TRUST_PROXY: "1",
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      START_JOBS: "1",
      JOBS_POLL_SECONDS: "1",
      JOBS_SHUTDOWN_GRACE_SECONDS: "2",
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      // Every instance must share these (in production: the environment).
      LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
      LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
      AUTH_SECRET: process.env.AUTH_SECRET!,
    };
    // All three at once, as a deployment's rollout starts them (pg-boss's queue creation races).
    const started = await Promise.allSettled([spawnApiServer(env), spawnApiServer(env), spawnApiServer(env)]);
    servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    balancer = await startHAProxy(servers.map((s) => Number(new URL(s.url).port)));
    await balancer.untilAllUp();
    startedAt = new Date();
    direct = new pg.Client({ connectionString: database.url });
    await direct.connect();

    const endpoint = await send(balancer.url, "/api/v1/admin/webhook-endpoints", {
      from: "127.0.0.9",
      body: { url: receiver.url },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(endpoint.status, JSON.stringify(endpoint.json)).toBe(201);
    receiver.secret = endpoint.json.secret;
  }, 600_000);

  afterAll(async () => {
    await direct?.end().catch(() => {});
    await balancer?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.stop();
    await receiver?.close();
  }, 180_000);

  it("holds seat limits: 36 concurrent activations of a 3-seat key through the balancer give exactly 3 machines", async () => {
    const { key, license } = await createLicense({ maxMachines: 3 });
    const results = await Promise.all(
      Array.from({ length: 36 }, (_, i) => send(balancer.url, "/api/v1/licenses/activate", { from: "127.0.0.2", body: { key, fingerprint: `fp-${i}` } })),
    );
    expect(new Set(results.map((r) => r.servedBy))).toEqual(new Set(["s0", "s1", "s2"]));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 403 && r.json.code === "TOO_MANY_MACHINES")).toHaveLength(33);
    const { rows } = await direct.query<{ n: number }>("SELECT count(*)::int AS n FROM machines WHERE license_id = $1 AND deactivated_at IS NULL", [license.id]);
    expect(rows[0]!.n).toBe(3);
  });

  it(`shares rate limits: of ${3 * LIMIT} validations spread over the three instances, ${LIMIT} pass and the rest are 429`, async () => {
    const { key } = await createLicense();
    const results: Answer[] = [];
    // One after another: round-robin gives each instance a third, so limits kept per instance would pass them all.
    for (let i = 0; i < 3 * LIMIT; i++) results.push(await send(balancer.url, "/api/v1/licenses/validate", { from: "127.0.0.3", body: { key } }));
    const served = (status: number) => results.filter((r) => r.status === status);
    expect(served(200)).toHaveLength(LIMIT);
    expect(served(429)).toHaveLength(2 * LIMIT);
    expect(served(429).every((r) => r.json.error?.code === "RATE_LIMITED")).toBe(true);
    // The first LIMIT pass, wherever they land; every instance refuses once the shared budget is gone.
    expect(results.slice(0, LIMIT).every((r) => r.status === 200)).toBe(true);
    expect(new Set(served(200).map((r) => r.servedBy))).toEqual(new Set(["s0", "s1", "s2"]));
    expect(new Set(served(429).map((r) => r.servedBy))).toEqual(new Set(["s0", "s1", "s2"]));
  });

  it("shows a suspension made on one instance to all three at once (their caches invalidated by NOTIFY)", async () => {
    const { key, license } = await createLicense();
    const validate = (server: SpawnedServer) => send(server.url, "/api/v1/licenses/validate", { from: "127.0.0.4", body: { key } });
    // Twice on each: the second answer comes from that instance's cache.
    for (const server of servers) for (let i = 0; i < 2; i++) expect((await validate(server)).json.code).toBe("VALID");

    const suspended = await send(servers[0]!.url, `/api/v1/admin/licenses/${license.id}`, {
      from: "127.0.0.4",
      method: "PATCH",
      body: { status: "SUSPENDED" },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(suspended.status, JSON.stringify(suspended.json)).toBe(200);
    // Asked of each instance directly. The contract's bound is 100 ms (timed by `npm run bench`);
    // here each is polled up to a generous bound and the answer is what is asserted.
    const answers = await Promise.all(
      servers.map(async (server) => {
        let code = "";
        for (let i = 0; i < 100 && code !== "SUSPENDED"; i++) {
          code = (await validate(server)).json.code;
          if (code !== "SUSPENDED") await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return code;
      }),
    );
    expect(answers).toEqual(["SUSPENDED", "SUSPENDED", "SUSPENDED"]);
  });

  it("delivers each webhook event once to the endpoint, whichever instance's worker sends it", async () => {
    const { rows: events } = await direct.query<{ id: string; type: string }>("SELECT id, type FROM webhook_events ORDER BY created_at");
    // The activations' machine.activated (3) and the suspension's license.suspended at least.
    expect(events.filter((e) => e.type === "machine.activated").length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e.type === "license.suspended").length).toBeGreaterThanOrEqual(1);
    const ids = new Set(events.map((e) => e.id));
    await receiver.waitFor((received) => [...ids].every((id) => received.some((e) => e.id === id)), 120_000);
    // Every delivery row finished: nothing is left to be sent (again) by any instance.
    const { rows: pending } = await direct.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'SUCCEEDED'");
    expect(pending[0]!.n).toBe(0);
    const webhookIds = receiver.received.map((e) => String(e.headers["webhook-id"]));
    expect(webhookIds.length).toBe(new Set(webhookIds).size);
    expect(new Set(webhookIds)).toEqual(ids);
    expect(receiver.rejected).toBe(0);
  }, 180_000);

  it("runs each scheduled job once per slot across the three instances", async () => {
    // pg-boss's cron fires "lifecycle.tick" (and "outbox.sweep") every minute; every instance's
    // engine checks the schedules, and one job per slot must come of it. Wait for a slot that
    // began after all three were up, and for its job to finish.
    const scheduled = async () =>
      (
        await direct.query<{ name: string; slot: Date; jobs: number; completed: number }>(
          `SELECT name, date_trunc('minute', created_on) AS slot, count(*)::int AS jobs,
                  count(*) FILTER (WHERE state = 'completed')::int AS completed
             FROM pgboss.job
            WHERE name IN ('lifecycle.tick', 'outbox.sweep') AND data = '{}'::jsonb AND created_on >= date_trunc('minute', $1::timestamptz) + interval '1 minute'
            GROUP BY 1, 2 ORDER BY 2, 1`,
          [startedAt],
        )
      ).rows;
    let slots = await scheduled();
    for (let i = 0; i < 1500 && !(slots.length >= 2 && slots.every((s) => s.completed === s.jobs)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      slots = await scheduled();
    }
    expect(slots.map((s) => s.name).sort()).toEqual(expect.arrayContaining(["lifecycle.tick", "outbox.sweep"]));
    expect(slots.map((s) => ({ name: s.name, jobs: s.jobs, completed: s.completed }))).toEqual(
      slots.map((s) => ({ name: s.name, jobs: 1, completed: 1 })),
    );
  }, 240_000);
});
