// The process's database connections: one Prisma client (pages, admin, payments)
// and one `pg` pool (the license API's hot path, where Prisma's per-query overhead
// would cost a third of the throughput; see ARCHITECTURE.md). Both are kept on
// globalThis so that the custom server and Next's own bundle of this module, which
// live in one process, share them instead of opening two of each.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";

type Connections = { url: string; pool: pg.Pool; prisma?: PrismaClient };
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
    const pool = new pg.Pool({
      connectionString: url,
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      // How long a request may wait for a pooled connection. A stopped database
      // refuses at once (503 without waiting); this bounds the wait under load.
      connectionTimeoutMillis: Number(process.env.DATABASE_CONNECT_TIMEOUT_MS ?? 5000),
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on("error", () => {});
    c = { url, pool };
    store[KEY] = c;
  }
  return c;
}

/** The shared `pg` pool, for the hot path's hand-written SQL. */
export function db(): pg.Pool {
  return connections().pool;
}

/** The shared Prisma client, on its own pool through the pg driver adapter. */
export function prisma(): PrismaClient {
  const c = connections();
  c.prisma ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: c.url, max: 5, connectionTimeoutMillis: 5000 }),
  });
  return c.prisma;
}

async function closeConnections(c: Connections): Promise<void> {
  await Promise.allSettled([c.pool.end(), c.prisma?.$disconnect()]);
}

/** Closes both; the next call to db() or prisma() opens new ones. */
export async function closeDatabase(): Promise<void> {
  const c = store[KEY];
  store[KEY] = undefined;
  if (c) await closeConnections(c);
}
