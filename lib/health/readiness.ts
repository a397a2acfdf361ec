// Readiness (`GET /api/ready`): may a load balancer send this instance traffic?
// Only when the database answers, every migration in prisma/migrations is
// applied to it, Redis answers (when REDIS_URL is set), and the instance is
// not shutting down. Liveness stays `/api/health`: a database outage makes an
// instance unready, not dead, so the orchestrator should not restart it.
import { readdirSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { z } from "zod";
import { db } from "../db/client";
import { jsonResponse, type ApiRequest, type ApiResponse } from "../http/types";

/** The body of `GET /api/ready` (also its OpenAPI schema). */
export const readinessSchema = z
  .object({
    ready: z.boolean().meta({ description: "True when every check passes; the status is then 200, else 503." }),
    checks: z.object({
      database: z.enum(["up", "down"]).meta({ description: "The database answered `SELECT 1` within 800 ms." }),
      migrations: z.enum(["applied", "pending", "skipped"]).meta({ description: "Every migration the server ships is applied; `skipped` while the database is down." }),
      redis: z.enum(["up", "down", "skipped"]).meta({ description: "Redis answered PING within 800 ms; `skipped` without REDIS_URL." }),
      shutdown: z.enum(["no", "draining"]).meta({ description: "`draining` once the process got SIGTERM/SIGINT and is finishing its requests." }),
    }),
  })
  .meta({ id: "Readiness" });

/** Each check's state; `skipped` means not configured (Redis) or not reached (migrations without a database). */
export type Readiness = z.infer<typeof readinessSchema>;

/** How long each check may take before it counts as down, in ms: probes have their own timeouts, typically 1 s. */
const CHECK_TIMEOUT_MS = 800;

type State = { draining: boolean; migratedUrl?: string; redis?: { url: string; client: Redis } };
// Shared by the custom server (which sets `draining`) and Next's bundle of this module.
const KEY = Symbol.for("license-portal.readiness");
const holder = globalThis as unknown as { [KEY]?: State };
const state = (holder[KEY] ??= { draining: false });

/** Called when the process starts shutting down: from then on the instance reports unready, so balancers drain it. */
export function markDraining(): void {
  state.draining = true;
}

function withTimeout<T>(work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}

function migrationNames(): string[] {
  // The app always runs from the project directory (npm start, next start).
  const dir = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

async function databaseState(): Promise<{ database: "up" | "down"; migrations: "applied" | "pending" | "skipped" }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { database: "down", migrations: "skipped" };
  // Migrations never un-apply: once seen complete for this database, only the connection is checked.
  if (state.migratedUrl === url) {
    const up = await withTimeout(db().query("SELECT 1").then(() => true), false);
    return { database: up ? "up" : "down", migrations: up ? "applied" : "skipped" };
  }
  type Seen = { database: "up" | "down"; applied: Set<string> };
  const result = await withTimeout<Seen>(
    db()
      .query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      )
      .then((r): Seen => ({ database: "up", applied: new Set(r.rows.map((row) => row.migration_name)) }))
      .catch((error: { code?: string }): Seen => {
        // 42P01: the bookkeeping table does not exist yet, i.e. nothing migrated.
        if (error.code === "42P01") return { database: "up", applied: new Set() };
        throw error;
      }),
    { database: "down", applied: new Set() },
  );
  if (result.database === "down") return { database: "down", migrations: "skipped" };
  const pending = migrationNames().some((name) => !result.applied.has(name));
  if (!pending) state.migratedUrl = url;
  return { database: "up", migrations: pending ? "pending" : "applied" };
}

function redisClient(url: string): Redis {
  if (state.redis?.url !== url) {
    state.redis?.client.disconnect();
    // Its own connection: the rate limiter's fails fast by design and says nothing about reachability.
    const client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: CHECK_TIMEOUT_MS, lazyConnect: false });
    client.on("error", () => {});
    state.redis = { url, client };
  }
  return state.redis.client;
}

async function redisState(): Promise<"up" | "down" | "skipped"> {
  const url = process.env.REDIS_URL;
  if (!url) return "skipped";
  const pong = await withTimeout(redisClient(url).ping(), "");
  return pong === "PONG" ? "up" : "down";
}

/** Runs every check (in parallel, each bounded by CHECK_TIMEOUT_MS). */
export async function checkReadiness(): Promise<Readiness> {
  const [database, redis] = await Promise.all([databaseState(), redisState()]);
  const checks: Readiness["checks"] = { ...database, redis, shutdown: state.draining ? "draining" : "no" };
  const ready =
    checks.database === "up" && checks.migrations === "applied" && checks.redis !== "down" && !state.draining;
  return { ready, checks };
}

/** `GET /api/ready`: 200 with the checks when ready, 503 with the same body when not. */
export async function handleReady(req: ApiRequest): Promise<ApiResponse> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return jsonResponse(405, { error: { code: "METHOD_NOT_ALLOWED", message: "Use GET" } }, { Allow: "GET, HEAD" });
  }
  const result = await checkReadiness();
  return jsonResponse(result.ready ? 200 : 503, result, result.ready ? {} : { "Retry-After": "5" });
}
