// Gets the process a migrated database: the server in DATABASE_URL when set,
// otherwise an embedded PostgreSQL under .data/pg (started here, stopped by the
// caller). Sets DATABASE_URL for everything that runs after it in this process
// and in the processes it starts.
import path from "node:path";
import { dataDir } from "../config/secrets";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";
import { migrate } from "./migrate";

export type PreparedDatabase = { url: string; embedded?: EmbeddedDatabase };

export async function prepareDatabase(log: (line: string) => void): Promise<PreparedDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = process.env.DATABASE_URL;
  if (url) {
    log(`using the database in DATABASE_URL (${redact(url)})`);
  } else {
    const dir = path.join(dataDir(), "pg");
    embedded = await startEmbeddedPostgres({ dataDir: dir, log });
    url = await ensureDatabase(embedded.url, "portal");
    log(`embedded PostgreSQL running on port ${embedded.port} (data in ${path.relative(process.cwd(), dir) || dir})`);
    process.env.DATABASE_URL = url;
  }
  try {
    const result = await migrate(url, { log });
    log(result.applied.length ? `database migrated (${result.applied.length} applied)` : "database schema is up to date");
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { url, embedded };
}

/** The URL without its password, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
