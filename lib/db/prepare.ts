// Gets the process a migrated database: the server in DATABASE_URL when set,
// otherwise an embedded PostgreSQL under .data/pg (started here, stopped by the
// caller). Sets DATABASE_URL for everything that runs after it in this process
// and in the processes it starts.
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { dataDir } from "../config/secrets";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";
import { embeddedUrlFile } from "./embedded-url";
import { migrate } from "./migrate";

export type PreparedDatabase = { url: string; embedded?: EmbeddedDatabase };

/**
 * The database the portal runs on, migrated: DATABASE_URL's, else the embedded server under
 * `<data dir>/pg` (started here; its URL is then in DATABASE_URL and in embeddedUrlFile()).
 * @throws when the server cannot be reached or started, or a migration fails (the embedded server is stopped again).
 */
export async function prepareDatabase(log: (line: string) => void): Promise<PreparedDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = process.env.DATABASE_URL;
  if (url) {
    log(`using the database in DATABASE_URL (${redact(url)})`);
  } else {
    const dir = path.join(dataDir(), "pg");
    const server = await startEmbeddedPostgres({ dataDir: dir, log });
    const urlFile = embeddedUrlFile(dataDir());
    // The file goes with the server, so a stale one never names a port that something else may hold by then.
    embedded = { ...server, stop: () => server.stop().finally(() => rm(urlFile, { force: true })) };
    url = await ensureDatabase(server.url, "portal");
    log(`embedded PostgreSQL running on port ${server.port} (data in ${path.relative(process.cwd(), dir) || dir})`);
    process.env.DATABASE_URL = url;
    // It holds the (fixed, local-only) password: readable by the owner alone.
    await writeFile(urlFile, `${url}\n`, { mode: 0o600 });
  }
  try {
    // The migration lock is a session advisory lock: PostgreSQL itself, not PgBouncer in transaction mode.
    const result = await migrate(process.env.DATABASE_DIRECT_URL || url, { log });
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
