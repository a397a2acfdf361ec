// Gives the calling integration test file a database of its own: a clone of the
// migrated template, dropped when the file is done. Call at the top level of a
// test file, before anything opens a connection; it points DATABASE_URL (and so
// the app's Prisma client and pool) at the new database.
import { randomBytes } from "node:crypto";
import { withClient } from "../db/with-client";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDatabase } from "../db/client";
import { databaseUrlWithName } from "./database-url";

export type TestDatabase = { url: string; name: string };

/** A fresh database: a clone of the migrated template, or empty with `{ empty: true }`. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject("serverDatabaseUrl");
  const name = `portal_test_${randomBytes(6).toString("hex")}`;
  const template = options.empty ? "template0" : inject("templateDatabase");
  await withClient(serverUrl, (admin) =>
    admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)}`),
  );
  return { url: databaseUrlWithName(serverUrl, name), name };
}

export async function dropTestDatabase(db: TestDatabase): Promise<void> {
  await withClient(inject("serverDatabaseUrl"), (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(db.name)} WITH (FORCE)`),
  );
}

/** Registers beforeAll/afterAll hooks; the returned object is filled in before the first test. */
export function setupTestDatabase(): TestDatabase {
  const db: TestDatabase = { url: "", name: "" };
  beforeAll(async () => {
    Object.assign(db, await createTestDatabase());
    process.env.DATABASE_URL = db.url;
  });
  afterAll(async () => {
    await closeDatabase();
    await dropTestDatabase(db);
  });
  return db;
}
