// One way to run hand-written SQL inside a caller's transaction, whichever kind
// of connection that caller holds: the Prisma transaction client (console,
// admin API, payments, portal) or a `pg` client (the license API's hot path,
// lib/licensing/store.ts). Modules that must write in the caller's transaction
// (lib/jobs, lib/webhooks, lib/email) take a `Tx` and go through `sqlQuery`.
import type pg from "pg";
import type { Prisma } from "../generated/prisma/client";

/**
 * A connection inside the caller's transaction: Prisma's interactive
 * transaction client, or a `pg` client (PoolClient or Client) on which the
 * caller ran BEGIN. A `pg.Pool` also works for a single statement that needs no
 * transaction (each query may take a different connection).
 */
export type Tx = Prisma.TransactionClient | Pick<pg.ClientBase, "query">;

function isPrisma(tx: Tx): tx is Prisma.TransactionClient {
  return typeof (tx as Prisma.TransactionClient).$queryRawUnsafe === "function";
}

/**
 * Runs one parameterised statement (`$1`, `$2`, … placeholders) on `tx` and
 * returns its rows. Values go to PostgreSQL as parameters, never spliced in.
 * Note: through Prisma, jsonb parameters must be passed as JSON text with a
 * `::jsonb` cast in the SQL, and uuid parameters need `::uuid` casts; the same
 * SQL works unchanged on `pg`, so always write the casts.
 */
export async function sqlQuery<Row = Record<string, unknown>>(tx: Tx, text: string, values: unknown[] = []): Promise<Row[]> {
  if (isPrisma(tx)) return tx.$queryRawUnsafe<Row[]>(text, ...values);
  const result = await (tx as Pick<pg.ClientBase, "query">).query(text, values);
  return result.rows as Row[];
}
