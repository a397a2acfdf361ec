import { createHash } from "node:crypto";
import { cp, mkdtemp, mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase, type TestDatabase } from "../test/database";
import { MIGRATIONS_DIR, migrate, readMigrations } from "./migrate";

const created: TestDatabase[] = [];
async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ empty: true });
  created.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(created.splice(0).map(dropTestDatabase));
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const tables = (url: string) =>
  query<{ table_name: string }>(
    url,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  ).then((rows) => rows.map((r) => r.table_name));

describe("migrate", () => {
  it("creates every table on an empty database and records each migration as Prisma does", async () => {
    const db = await emptyDatabase();
    const migrations = await readMigrations();
    const result = await migrate(db.url);
    expect(result.applied).toEqual(migrations.map((m) => m.name));

    // Every model's table (schema.prisma's @@map), and Prisma's bookkeeping: nothing more, nothing less.
    const schema = await readFile(path.join(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
    const modelTables = [...schema.matchAll(/^\s*@@map\("([^"]+)"\)/gm)].map((m) => m[1]!);
    expect(modelTables.length).toBeGreaterThan(15);
    expect(await tables(db.url)).toEqual(["_prisma_migrations", ...modelTables].sort());
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      db.url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      // Prisma's checksum: SHA-256 hex of the migration.sql bytes.
      expect(row.checksum).toBe(createHash("sha256").update(migrations[i]!.sql).digest("hex"));
    }
  });

  it("changes nothing on a second run", async () => {
    const db = await emptyDatabase();
    await migrate(db.url);
    const before = await query(db.url, `SELECT * FROM "_prisma_migrations" ORDER BY id`);
    const again = await migrate(db.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe((await readMigrations()).length);
    expect(await query(db.url, `SELECT * FROM "_prisma_migrations" ORDER BY id`)).toEqual(before);
  });

  it("lets several instances start at once: all succeed and each migration is applied once", async () => {
    const db = await emptyDatabase();
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(db.url)));
    const migrations = await readMigrations();
    expect(results.flatMap((r) => r.applied).sort()).toEqual(migrations.map((m) => m.name).sort());
    const [{ count }] = (await query<{ count: string }>(db.url, `SELECT count(*) FROM "_prisma_migrations"`)) as [{ count: string }];
    expect(Number(count)).toBe(migrations.length);
  });

  it("leaves no partial change when a migration fails", async () => {
    const db = await emptyDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, "99990101000000_broken"));
    await writeFile(
      path.join(dir, "99990101000000_broken", "migration.sql"),
      `CREATE TABLE "half_done" (id int);\nALTER TABLE "no_such_table" ADD COLUMN x int;`,
    );
    await expect(migrate(db.url, { dir })).rejects.toThrow(/99990101000000_broken failed: relation "no_such_table" does not exist/);
    expect(await tables(db.url)).not.toContain("half_done");
    const names = await query<{ migration_name: string }>(db.url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(names.map((r) => r.migration_name)).not.toContain("99990101000000_broken");
    // The good migrations before it stay applied, and a fixed file then applies.
    await writeFile(path.join(dir, "99990101000000_broken", "migration.sql"), `CREATE TABLE "half_done" (id int);`);
    expect((await migrate(db.url, { dir })).applied).toEqual(["99990101000000_broken"]);
  });

  it("warns when an applied migration was edited afterwards", async () => {
    const db = await emptyDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await migrate(db.url, { dir });
    const [first] = await readMigrations(dir);
    await writeFile(path.join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- edited`);
    const lines: string[] = [];
    await migrate(db.url, { dir, log: (l) => lines.push(l) });
    expect(lines).toContain(`warning: migration ${first!.name} was edited after it was applied (checksum differs)`);
  });
});
