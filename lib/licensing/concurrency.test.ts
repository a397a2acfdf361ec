// Seats hold under concurrency: many simultaneous activations of one license,
// in one process and spread over two server processes on the same database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { call } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { createLicense, createPlan } from "../test/licenses";
import { spawnApiServer, type SpawnedServer } from "../test/spawn-api-server";

process.env.RATE_LIMIT_PER_MINUTE = "0";
const database = setupTestDatabase();
const N = 120;

async function activeMachines(licenseId: string): Promise<number> {
  const { rows } = await db().query("SELECT count(*)::int AS n FROM machines WHERE license_id = $1 AND deactivated_at IS NULL", [licenseId]);
  return rows[0].n;
}

describe("in one process", () => {
  it(`${N} concurrent activations of distinct fingerprints on a 5-seat license yield exactly 5 machines`, async () => {
    const { key, license } = await createLicense({ maxMachines: 5 });
    const results = await Promise.all(Array.from({ length: N }, (_, i) => call("/api/v1/licenses/activate", { key, fingerprint: `fp-${i}` })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 403)).toHaveLength(N - 5);
    expect(results.filter((r) => r.status === 403).every((r) => r.json.code === "TOO_MANY_MACHINES")).toBe(true);
    expect(await activeMachines(license.id)).toBe(5);
  });

  it(`${N} concurrent activations of one fingerprint yield one machine and ${N} successes`, async () => {
    const { key, license } = await createLicense({ maxMachines: 1 });
    const results = await Promise.all(Array.from({ length: N }, () => call("/api/v1/licenses/activate", { key, fingerprint: "same" })));
    expect(results.every((r) => r.json.valid === true)).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(N - 1);
    expect(new Set(results.map((r) => r.json.machine.id)).size).toBe(1);
    const { rows } = await db().query("SELECT count(*)::int AS n FROM machines WHERE license_id = $1", [license.id]);
    expect(rows[0].n).toBe(1);
  });
});

describe("an activation waiting on a change of the license's plan", () => {
  async function lockWaiters(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      const { rows } = await db().query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (rows[0].n > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("the activation never waited on the license's lock");
  }

  it("finds the license on its new plan once the change commits (not NOT_FOUND), and takes a seat of that plan", async () => {
    // PostgreSQL re-checks a row locked FOR UPDATE after a concurrent update against the other
    // rows of the join as they were: the license with a new plan_id no longer joined its old
    // plan, so the lock's query found nothing and the key answered 404 NOT_FOUND.
    const { key, license } = await createLicense({ maxMachines: 1 });
    const other = await createPlan({ maxMachines: 2 });
    const admin = await db().connect();
    try {
      await admin.query("BEGIN");
      await admin.query("UPDATE licenses SET plan_id = $1 WHERE id = $2", [other.id, license.id]);
      const pending = call("/api/v1/licenses/activate", { key, fingerprint: "waits-for-the-change" });
      await lockWaiters();
      await admin.query("COMMIT");
      const res = await pending;
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(res.json).toMatchObject({ code: "VALID", license: { id: license.id, plan: other.slug, maxMachines: 2 } });
    } finally {
      admin.release();
    }
  });
});

describe("across two server processes on one database", () => {
  let servers: SpawnedServer[] = [];
  beforeAll(async () => {
    const env = {
      DATABASE_URL: database.url,
      RATE_LIMIT_PER_MINUTE: "0",
      // Both processes must share the license secrets (in production: the environment).
      LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
      LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
      AUTH_SECRET: process.env.AUTH_SECRET ?? "test",
    };
    servers = await Promise.all([spawnApiServer(env), spawnApiServer(env)]);
  }, 60_000);
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  const post = (server: SpawnedServer, path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
      async (r) => ({ status: r.status, json: await r.json() }),
    );

  it(`${N} concurrent activations of distinct fingerprints over both servers yield exactly 3 machines`, async () => {
    const { key, license } = await createLicense({ maxMachines: 3 });
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => post(servers[i % 2]!, "/api/v1/licenses/activate", { key, fingerprint: `fp-${i}` })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 403 && r.json.code === "TOO_MANY_MACHINES")).toHaveLength(N - 3);
    expect(await activeMachines(license.id)).toBe(3);
  });

  it(`${N} concurrent activations of one fingerprint over both servers yield one machine`, async () => {
    const { key, license } = await createLicense({ maxMachines: 2 });
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => post(servers[i % 2]!, "/api/v1/licenses/activate", { key, fingerprint: "same" })),
    );
    expect(results.every((r) => r.json.valid === true && r.json.code === "VALID")).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await activeMachines(license.id)).toBe(1);
  });

  it("a re-activated fingerprint takes a seat freed concurrently by a deactivation on the other server", async () => {
    const { key, license } = await createLicense({ maxMachines: 1 });
    expect((await post(servers[0]!, "/api/v1/licenses/activate", { key, fingerprint: "a" })).status).toBe(201);
    expect((await post(servers[1]!, "/api/v1/licenses/deactivate", { key, fingerprint: "a" })).status).toBe(200);
    expect((await post(servers[1]!, "/api/v1/licenses/activate", { key, fingerprint: "b" })).status).toBe(201);
    expect((await post(servers[0]!, "/api/v1/licenses/activate", { key, fingerprint: "a" })).json.code).toBe("TOO_MANY_MACHINES");
    expect(await activeMachines(license.id)).toBe(1);
  });
});
