import type pg from "pg";

/**
 * Runs `work` on one pooled connection inside BEGIN … COMMIT and returns its
 * result. Any error rolls back (a failed ROLLBACK on a broken connection is
 * ignored: the original error is the one worth reporting), is rethrown, and the
 * connection always goes back to the pool.
 *
 * For the raw-`pg` paths (job outboxes, usage hand-off) that enqueue a job in
 * the same commit as the change causing it; Prisma code uses `$transaction`.
 */
export async function inTransaction<T>(pool: Pick<pg.Pool, "connect">, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
