// The process's database connections: one Prisma client (pages, admin, payments)
// and one `pg` pool (the license API's hot path, where Prisma's per-query overhead
// would cost a third of the throughput; see ARCHITECTURE.md). Both are kept on
// globalThis so that the custom server and Next's own bundle of this module, which
// live in one process, share them instead of opening two of each.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { ChangeListener } from "./change-listener";
import { CircuitBreaker, GuardedPool } from "./circuit-breaker";
import { clampingTypes, clampStoredInstants } from "./stored-instants";

type Connections = {
  url: string;
  pool: GuardedPool;
  breaker: CircuitBreaker;
  prisma?: PrismaClient;
  prismaPool?: GuardedPool;
  listener?: ChangeListener;
};
const KEY = Symbol.for("license-portal.db");
const store = globalThis as unknown as { [KEY]?: Connections };

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (npm start and npm test set it to the embedded database)");
  return url;
}

function connections(): Connections {
  const url = databaseUrl();
  let c = store[KEY];
  if (c && c.url !== url) {
    // DATABASE_URL changed (tests point each file at its own database): start over.
    void closeConnections(c);
    c = undefined;
  }
  if (!c) {
    // One breaker for both pools: whichever notices an unreachable database
    // first makes both fail fast (lib/db/circuit-breaker.ts). Its probe asks
    // PostgreSQL itself (DATABASE_DIRECT_URL when set): through PgBouncer in
    // transaction mode the probe's SELECT 1 would queue for a server connection
    // behind every busy transaction, and a busy database would read as unreachable.
    const breaker = new CircuitBreaker({ connectionString: process.env.DATABASE_DIRECT_URL || url });
    c = { url, breaker, pool: guardedPool(url, breaker, Number(process.env.DATABASE_POOL_SIZE ?? 10)) };
    store[KEY] = c;
  }
  return c;
}

function poolOptions(url: string, max: number): pg.PoolConfig {
  return {
    connectionString: url,
    max,
    // How long a request may wait for a pooled connection. A stopped database
    // refuses at once, and a silently unreachable one is caught by the circuit
    // breaker well before this; it bounds the wait when every connection is busy.
    connectionTimeoutMillis: Number(process.env.DATABASE_CONNECT_TIMEOUT_MS ?? 5000),
    idleTimeoutMillis: 30_000,
    // Lets the kernel notice a peer that vanished while a connection sat idle.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Instants outside years 0001..9999 (PostgreSQL's ±infinity, BC, 10000+) read as the range's ends (stored-instants.ts).
    types: clampingTypes(pg.types),
  };
}

function guardedPool(url: string, breaker: CircuitBreaker, max: number): GuardedPool {
  const pool = new GuardedPool(poolOptions(url, max), breaker);
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => {});
  // Prisma's adapter sends its own type parsers with each query: those read instants through the clamp too.
  pool.on("connect", (client) => clampStoredInstants(client));
  if (process.env.DATABASE_PREPARED_STATEMENTS === "0") pool.on("connect", withoutStatementNames);
  return pool;
}

/**
 * DATABASE_PREPARED_STATEMENTS=0: the hot path's named prepared statements are
 * sent unnamed (parsed on every execution). A named statement lives in one
 * server session, which PgBouncer in transaction mode hands to other clients
 * (1.18 does not track them: "prepared statement … already exists", 500s).
 */
function withoutStatementNames(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((config: unknown, ...rest: unknown[]) =>
    // Only plain config objects: a Submittable (cursor, stream) must reach pg as it is.
    query(
      typeof config === "object" && config !== null && "name" in config && typeof (config as { submit?: unknown }).submit !== "function"
        ? { ...config, name: undefined }
        : config,
      ...rest,
    )) as typeof client.query;
}

/**
 * True while the circuit breaker holds the database for unreachable (every
 * query fails fast with DatabaseUnreachableError). False before any connection
 * was made.
 */
export function databaseUnreachable(): boolean {
  return store[KEY]?.breaker.open ?? false;
}

/** The shared `pg` pool, for the hot path's hand-written SQL. */
export function db(): pg.Pool {
  return connections().pool;
}

/** The shared Prisma client, on its own pool through the pg driver adapter. */
export function prisma(): PrismaClient {
  const c = connections();
  if (!c.prisma) {
    c.prismaPool = guardedPool(c.url, c.breaker, 5);
    // "minimal": an error's message without the source excerpt that Prisma
    // otherwise reads from disk, which made each failure cost up to seconds
    // under load, exactly when the database is failing.
    c.prisma = new PrismaClient({ adapter: new PrismaPg(c.prismaPool), errorFormat: "minimal" });
  }
  return c.prisma;
}

/**
 * The URL of PostgreSQL itself for what needs a session of its own: migrations
 * (a session advisory lock), the job engine (pg-boss's LISTEN and advisory
 * locks, the outbox listener) and the license cache's LISTEN.
 * `DATABASE_DIRECT_URL` when set (DATABASE_URL then may point at PgBouncer in
 * transaction mode, which hands a server session to another client after every
 * transaction), else `DATABASE_URL`.
 * @throws when neither is set
 */
export function directDatabaseUrl(): string {
  return process.env.DATABASE_DIRECT_URL || databaseUrl();
}

/**
 * The process's listener of `NOTIFY license_changes` (lib/db/change-listener.ts),
 * on its own connection to `DATABASE_LISTEN_URL` (the older, LISTEN-only name),
 * else directDatabaseUrl(). Connects on first use.
 */
export function changeListener(): ChangeListener {
  const c = connections();
  return (c.listener ??= new ChangeListener(process.env.DATABASE_LISTEN_URL || directDatabaseUrl(), "license_changes"));
}

/** Connection counts of the open pools (`pg`: the license API's, `prisma`: everything else), for /metrics. */
export function poolStatistics(): { pool: "pg" | "prisma"; total: number; idle: number; waiting: number }[] {
  const c = store[KEY];
  if (!c) return [];
  const stats = (pool: "pg" | "prisma", p: pg.Pool) => ({ pool, total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount });
  return c.prismaPool ? [stats("pg", c.pool), stats("prisma", c.prismaPool)] : [stats("pg", c.pool)];
}

async function closeConnections(c: Connections): Promise<void> {
  c.breaker.stop();
  await Promise.allSettled([c.listener?.stop(), c.pool.end(), c.prisma?.$disconnect().then(() => c.prismaPool?.end())]);
}

/** Closes both; the next call to db() or prisma() opens new ones. */
export async function closeDatabase(): Promise<void> {
  const c = store[KEY];
  store[KEY] = undefined;
  if (c) await closeConnections(c);
}
