// With the database down the license API answers 503 with Retry-After within a
// second, the server process stays up, and it recovers by itself when the
// database returns. Uses its own PostgreSQL so it can stop and start it.
import { mkdtemp, chmod } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded";
import { migrate } from "../../db/migrate";
import { spawnApiServer, type SpawnedServer } from "../../test/spawn-api-server";

let dataDir: string;
let port: number;
let pgServer: EmbeddedDatabase;
let api: SpawnedServer;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-down-"));
  await chmod(dataDir, 0o755);
  port = await freePort();
  pgServer = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port });
  const url = await ensureDatabase(pgServer.url, "portal");
  await migrate(url);
  api = await spawnApiServer({
    DATABASE_URL: url,
    RATE_LIMIT_PER_MINUTE: "0",
    LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
    LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
  });
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await pgServer?.stop();
});

const validate = () =>
  fetch(`${api.url}/api/v1/licenses/validate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key: "ZP-AAAAA-BBBBB-CCCCC-DDDDD" }),
  });

it("answers 503 within a second while the database is down and recovers when it returns", async () => {
  expect((await validate()).status).toBe(200);

  await pgServer.stop();
  const started = Date.now();
  const down = await validate();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(down.status).toBe(503);
  expect(down.headers.get("retry-after")).toBe("5");
  expect(down.headers.get("license-signature")).toBeTruthy();
  expect(await down.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });
  const health = await fetch(`${api.url}/api/v1/licenses/heartbeat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key: "ZP-AAAAA-BBBBB-CCCCC-DDDDD", fingerprint: "x" }),
  });
  expect(health.status).toBe(503);
  expect(api.process.exitCode).toBeNull();

  pgServer = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port });
  let status = 0;
  for (let i = 0; i < 20 && status !== 200; i++) {
    status = (await validate()).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 250));
  }
  expect(status).toBe(200);
}, 60_000);
