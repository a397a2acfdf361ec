// One connection of its own, for what a pool cannot do: CREATE and DROP DATABASE on a server's
// maintenance database (they refuse to run inside a transaction block), in tests, benches and setup.
import pg from "pg";

/** Runs `work` on a new connection to `url`, closed afterwards whatever `work` does; returns its result. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
