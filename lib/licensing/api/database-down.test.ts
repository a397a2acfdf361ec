// With the database down the license API answers 503 with Retry-After to every
// request, at once rather than after a connection timeout (the server's is set
// to 10 minutes, so an answer within the test's budget cannot come from one),
// the server process stays up, and it recovers by itself when the database
// returns. Uses its own PostgreSQL so it can stop and start it. (How fast the
// 503 comes is not asserted: on a loaded machine a wall-clock bound fails for
// slowness and proves nothing the answer itself does not.)
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
    DATABASE_CONNECT_TIMEOUT_MS: "600000",
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

it("answers every request 503 with Retry-After while the database is down, without waiting out a connection timeout, and recovers when it returns", async () => {
  expect((await validate()).status).toBe(200);

  await pgServer.stop();
  // Many at once: none waits behind another for a connection that cannot come.
  const downs = await Promise.all(Array.from({ length: 20 }, () => validate()));
  for (const down of downs) {
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(down.headers.get("license-signature")).toBeTruthy();
    expect(await down.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });
  }
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
