// Applies prisma/migrations/*/migration.sql in order, keeping Prisma's own
// `_prisma_migrations` bookkeeping so `prisma migrate status/deploy` agree with it
// wherever Prisma's schema engine can run. We cannot use `prisma migrate deploy`
// itself: the CLI downloads its native schema engine, which these machines cannot
// reach (see ARCHITECTURE.md).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

// The same advisory lock key Prisma's migrate uses, so this runner and
// `prisma migrate deploy` also exclude each other.
const MIGRATE_LOCK_KEY = 72707369;

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export type Migration = { name: string; sql: string; checksum: string };

export type MigrateResult = { applied: string[]; alreadyApplied: number };

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Brings the database at `databaseUrl` up to date. Safe to run from several
 * processes at once: an advisory lock serialises them and the late ones find
 * nothing to do. Each migration runs in its own transaction together with its
 * bookkeeping row, so a failed migration leaves no half-applied schema.
 */
export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_KEY]);
    try {
      await client.query(BOOKKEEPING_TABLE);
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const done = new Map(rows.map((r) => [r.migration_name, r]));
      for (const row of rows) {
        if (!row.finished_at) {
          throw new Error(
            `Migration ${row.migration_name} was started but never finished; fix the database by hand, then mark it rolled back.`,
          );
        }
      }
      const applied: string[] = [];
      for (const m of migrations) {
        const prior = done.get(m.name);
        if (prior) {
          if (prior.checksum !== m.checksum) {
            log(`warning: migration ${m.name} was edited after it was applied (checksum differs)`);
          }
          continue;
        }
        log(`applying migration ${m.name}`);
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
             VALUES ($1, $2, now(), $3, 1)`,
            [randomUUID(), m.checksum, m.name],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(m.name);
      }
      return { applied, alreadyApplied: migrations.length - applied.length };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
