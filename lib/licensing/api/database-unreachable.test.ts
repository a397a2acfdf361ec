// A silently unreachable database (every packet swallowed by a proxy between
// the portal and PostgreSQL): the license API and the admin API answer 503 with
// Retry-After long before any connect timeout, the pool is not left exhausted,
// and the portal recovers by itself when the network returns.
//
// The connect timeout is set to 10 minutes here, so a 503 within the test's
// budget can only come from the circuit breaker (lib/db/circuit-breaker.ts). How long the answers took is
// printed, not asserted (the benchmark's job, on a quiet machine).
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDatabase } from "../../db/client";
import { setupTestDatabase } from "../../test/database";
import { createLicense } from "../../test/licenses";
import { spawnApiServer, type SpawnedServer } from "../../test/spawn-api-server";
import { startTcpProxy, type TcpProxy } from "../../test/tcp-proxy";

const database = setupTestDatabase();
const TOKEN = "unreachable-test-admin-token";
let proxy: TcpProxy;
let api: SpawnedServer;
let key: string;
const fingerprint = "f".repeat(64);

beforeAll(async () => {
  ({ key } = await createLicense({ maxMachines: 2 }));
  await closeDatabase(); // only the spawned server talks to the database from here on
  const url = new URL(database.url);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  api = await spawnApiServer({
    DATABASE_URL: url.toString(),
    DATABASE_CONNECT_TIMEOUT_MS: "600000",
    RATE_LIMIT_PER_MINUTE: "0",
    ADMIN_API_TOKEN: TOKEN,
    LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
    LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
  });
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await proxy?.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${api.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const validate = () => post("/api/v1/licenses/validate", { key, fingerprint });
const adminList = () => fetch(`${api.url}/api/v1/admin/licenses`, { headers: { authorization: `Bearer ${TOKEN}` } });

async function timed(request: () => Promise<Response>): Promise<{ res: Response; ms: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const started = Date.now();
  const res = await request();
  const json = await res.json();
  return { res, ms: Date.now() - started, json };
}

it("answers 503 with Retry-After at once while packets are dropped, and recovers without a restart", async () => {
  expect((await post("/api/v1/licenses/activate", { key, fingerprint })).status).toBe(201);
  expect((await adminList()).status).toBe(200);

  proxy.blackHole();
  // A burst of clients at once (more than the pool's 10 connections), then one at a time.
  const burst = await Promise.all(Array.from({ length: 25 }, () => timed(validate)));
  const sequential = [];
  for (let i = 0; i < 5; i++) sequential.push(await timed(validate));
  const others = [
    await timed(() => post("/api/v1/licenses/activate", { key, fingerprint: "e".repeat(64) })),
    await timed(() => post("/api/v1/licenses/heartbeat", { key, fingerprint })),
    await timed(() => post("/api/v1/licenses/deactivate", { key, fingerprint })),
    await timed(() => post("/api/validate", { key, machine_id: fingerprint })),
    await timed(adminList),
  ];
  // No "took < 30 s" bound: with a 10-minute connect timeout, a 503 at all is the breaker's.
  for (const { res, json } of [...burst, ...sequential, ...others]) {
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(json).toMatchObject({ error: { code: "UNAVAILABLE" } });
  }
  expect(burst[0]!.res.headers.get("license-signature")).toBeTruthy();
  const ms = (xs: { ms: number }[]) => xs.map((x) => x.ms).join(", ");
  console.log(`black hole: burst of 25 answered in [${ms(burst)}] ms; then one at a time [${ms(sequential)}] ms; other endpoints [${ms(others)}] ms`);
  expect(api.process.exitCode).toBeNull();

  proxy.restore();
  const restoredAt = Date.now();
  let status = 0;
  while (status !== 200 && Date.now() - restoredAt < 20_000) {
    status = (await validate()).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`recovered ${Date.now() - restoredAt} ms after the network came back`);
  expect(status).toBe(200);
  // Nothing was left holding the pool: a burst larger than the pool is served in full, with the right answer.
  const after = await Promise.all(Array.from({ length: 25 }, () => timed(validate)));
  for (const { res, json } of after) {
    expect(res.status).toBe(200);
    expect(json).toMatchObject({ valid: true, code: "VALID" });
  }
  expect((await adminList()).status).toBe(200);
}, 90_000);
