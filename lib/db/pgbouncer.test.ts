// The license API through Debian's PgBouncer in transaction mode, as README's
// "Deploying and scaling" says to run it: DATABASE_URL at PgBouncer with
// DATABASE_PREPARED_STATEMENTS=0, DATABASE_DIRECT_URL at PostgreSQL itself for
// what needs a session (migrations, pg-boss, the license cache's LISTEN).
import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { setupTestDatabase } from "../test/database";
import { describeWithDaemons, startPgBouncer, type PgBouncer } from "../test/daemons";
import { createLicense } from "../test/licenses";
import { spawnApiServer, type SpawnedServer } from "../test/spawn-api-server";

const database = setupTestDatabase();

describeWithDaemons(["pgbouncer"], "the license API through PgBouncer in transaction mode", () => {
  let bouncer: PgBouncer;
  let server: SpawnedServer;
  let direct: pg.Client;
  let env: Record<string, string>;

  beforeAll(async () => {
    bouncer = await startPgBouncer(inject("serverDatabaseUrl"), { poolMode: "transaction", poolSize: 5 });
    env = {
      DATABASE_URL: bouncer.urlFor(database.url),
      DATABASE_DIRECT_URL: database.url,
      DATABASE_PREPARED_STATEMENTS: "0",
      RATE_LIMIT_PER_MINUTE: "0",
      START_JOBS: "1",
      LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
      LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
      AUTH_SECRET: process.env.AUTH_SECRET!,
    };
    server = await spawnApiServer(env);
    direct = new pg.Client({ connectionString: database.url });
    await direct.connect();
  }, 240_000);

  afterAll(async () => {
    await direct?.end().catch(() => {});
    await server?.stop();
    await bouncer?.stop();
  }, 120_000);

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  const activeMachines = async (licenseId: string) =>
    (await direct.query<{ n: number }>("SELECT count(*)::int AS n FROM machines WHERE license_id = $1 AND deactivated_at IS NULL", [licenseId])).rows[0]!.n;

  it("serves its clients through PgBouncer (PgBouncer holds server connections to the app's database)", async () => {
    const { key } = await createLicense();
    expect((await post("/api/v1/licenses/validate", { key })).status).toBe(200);
    // A control for the rest of the file: the app's queries really go through the bouncer.
    const servers = await bouncer.show("SERVERS");
    expect(servers.filter((s) => s.database === database.name).length).toBeGreaterThan(0);
  });

  it("300 concurrent activations of a 3-seat key give exactly 3 machines, the rest 403 TOO_MANY_MACHINES, no 5xx", async () => {
    const { key, license } = await createLicense({ maxMachines: 3 });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => post("/api/v1/licenses/activate", { key, fingerprint: `fp-${i}` })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500), JSON.stringify(results.find((r) => r.status >= 500)?.json)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 403 && r.json.code === "TOO_MANY_MACHINES")).toHaveLength(297);
    expect(await activeMachines(license.id)).toBe(3);
  });

  it("concurrent validations, heartbeats, offline files and deactivations answer without a single 5xx", async () => {
    const { key, license } = await createLicense({ maxMachines: 3, offlineGraceDays: 3 });
    const fingerprints = ["a", "b", "c"];
    for (const fingerprint of fingerprints) expect((await post("/api/v1/licenses/activate", { key, fingerprint })).status).toBe(201);
    const calls = Array.from({ length: 100 }, (_, i) => fingerprints[i % 3]!).flatMap((fingerprint) => [
      post("/api/v1/licenses/validate", { key, fingerprint }),
      post("/api/v1/licenses/heartbeat", { key, fingerprint }),
      post("/api/v1/licenses/offline", { key, fingerprint }),
    ]);
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.json)}`)).toEqual([]);
    expect(results.filter((_, i) => i % 3 === 0).every((r) => r.json.valid === true && r.json.code === "VALID")).toBe(true);
    expect(results.filter((_, i) => i % 3 === 2).every((r) => typeof r.json.certificate === "string")).toBe(true);

    const deactivations = await Promise.all(
      fingerprints.flatMap((fingerprint) => [post("/api/v1/licenses/deactivate", { key, fingerprint }), post("/api/v1/licenses/deactivate", { key, fingerprint })]),
    );
    // Each machine is deactivated once; the second request for it finds none.
    expect(deactivations.map((r) => r.status).sort()).toEqual([200, 200, 200, 404, 404, 404]);
    expect(await activeMachines(license.id)).toBe(0);
  });

  it("a suspension committed on PostgreSQL is seen at once: the cache's LISTEN is on the direct URL", async () => {
    const { key, license } = await createLicense();
    // Twice: the second answer comes from the validate cache.
    for (let i = 0; i < 2; i++) expect((await post("/api/v1/licenses/validate", { key })).json.code).toBe("VALID");
    await direct.query("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id]);
    let answer = "";
    // Polled up to a generous bound (the contract's 100 ms is for `npm run bench`, not for a loaded test machine).
    for (let i = 0; i < 100 && answer !== "SUSPENDED"; i++) {
      answer = (await post("/api/v1/licenses/validate", { key })).json.code;
      if (answer !== "SUSPENDED") await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer).toBe("SUSPENDED");
  });

  it("runs pg-boss on the direct URL: the lifecycle's start-up tick completed", async () => {
    let state = "";
    for (let i = 0; i < 600 && state !== "completed"; i++) {
      const { rows } = await direct.query<{ state: string }>("SELECT state FROM pgboss.job WHERE name = 'lifecycle.tick' AND data->>'atStart' = 'true' ORDER BY created_on LIMIT 1");
      state = rows[0]?.state ?? "";
      if (state !== "completed") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toBe("completed");
  });

  it("migrates with DATABASE_URL at PgBouncer: the migration's session lock goes to DATABASE_DIRECT_URL", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining("database schema is up to date") });
  }, 120_000);
});
