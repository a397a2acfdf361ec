// What usage analytics cost per license API answer once the answers are in
// memory: seeds BENCH_LICENSES licenses (default 10,000, each with one
// machine) on a scratch database, then, in BENCH_ROUNDS rounds (default 4, the
// first a warm-up), records two valid validations of every license (the
// second a second later; each round a minute after the last, so machines'
// last-seen times move every round, as they do for licenses validated once a
// minute or less often), hands them off (lib/analytics/usage-recorder.ts:
// one usage_batches row and its job) and applies them, as the usage.apply job
// does. Prints, per validation, PostgreSQL's CPU (every process of the server
// serving this database, WAL writer and checkpointer included: a CHECKPOINT
// ends each round) and this process's CPU for the hand-off and the apply.
//
//   DATABASE_URL=postgresql://… node --import tsx scripts/bench/usage-apply-cpu.ts
//
// DATABASE_URL: a PostgreSQL server to create the scratch database on
// (dropped at the end; the server's other databases' load counts too); without
// it an embedded one is started. Used for migration 20261206100000.
//
// BENCH_ACTIVE: validate only the first BENCH_ACTIVE licenses (default and most: the seeded sample, up to 10,000),
// as `npm run bench` does at 10⁶: the same answers, a hundred times the rows around them.
// BENCH_TEMPLATE: the name of a database on DATABASE_URL's server to keep the seeded (and grown,
// vacuumed) data in; built on the first run, copied (CREATE DATABASE … TEMPLATE) on later ones, so
// A/B runs of a schema change (its migration is applied to the copy) skip the growth.
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres } from "../../lib/db/embedded";
import { withClient } from "../../lib/db/with-client";
import { migrate } from "../../lib/db/migrate";
import { deriveKeySecrets } from "../../lib/licensing/keys";
import { parentPid, pgCpuSecondsFor, pgSnapshot } from "./cpu";
import { growTo, seedSample } from "./seed";

const LICENSES = Number(process.env.BENCH_LICENSES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ACTIVE = Number(process.env.BENCH_ACTIVE ?? Math.min(10_000, LICENSES));
if (!Number.isInteger(ACTIVE) || ACTIVE < 1 || ACTIVE > Math.min(10_000, LICENSES)) {
  throw new Error(`BENCH_ACTIVE must be a whole number from 1 to ${Math.min(10_000, LICENSES)} (the seeded sample)`);
}
const TEMPLATE = process.env.BENCH_TEMPLATE;
const HARNESS = "usage-apply-cpu";

const dir = await mkdtemp(path.join(os.tmpdir(), "usage-apply-cpu-"));
let serverUrl = process.env.DATABASE_URL;
const embedded = serverUrl ? undefined : await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
serverUrl ??= embedded!.url;
const dbName = `usage_apply_cpu_${Date.now().toString(36)}`;
if (TEMPLATE && !embedded && !(await databaseExists(serverUrl, TEMPLATE))) {
  // Built under another name and renamed once complete, so an interrupted build is never copied.
  // The template keeps the schema and BENCH_LICENSES it was built with: build it on the A side.
  const building = `${TEMPLATE}_building`;
  await dropDatabase(serverUrl, building);
  const templateUrl = await ensureDatabase(serverUrl, building);
  await migrate(templateUrl);
  const seeder = new pg.Client({ connectionString: templateUrl });
  await seeder.connect();
  await seedData(seeder);
  await seeder.end();
  await withClient(serverUrl, (admin) => admin.query(`ALTER DATABASE ${admin.escapeIdentifier(building)} RENAME TO ${admin.escapeIdentifier(TEMPLATE)}`));
}
const url = TEMPLATE && !embedded ? await copyOf(serverUrl, TEMPLATE, dbName) : await ensureDatabase(serverUrl, dbName);

/** The sample's licenses, then filler up to LICENSES, vacuumed and analysed. */
async function seedData(client: pg.Client): Promise<void> {
  const data = await seedSample(client, deriveKeySecrets(randomBytes(32)), Math.min(10_000, LICENSES));
  await growTo(client, data, deriveKeySecrets(randomBytes(32)), LICENSES);
  await client.query("VACUUM ANALYZE");
}

async function databaseExists(server: string, name: string): Promise<boolean> {
  return withClient(server, async (admin) => (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1);
}

async function dropDatabase(server: string, name: string): Promise<void> {
  await withClient(server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)}`));
}

async function copyOf(server: string, template: string, name: string): Promise<string> {
  await withClient(server, (admin) => admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)}`));
  const copy = new URL(server);
  copy.pathname = `/${name}`;
  return copy.toString();
}

try {
  await migrate(url);
  const client = new pg.Client({ connectionString: url, application_name: HARNESS });
  await client.connect();
  if (!TEMPLATE || embedded) await seedData(client);
  else await client.query("VACUUM ANALYZE");
  const postmaster = parentPid((await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);

  // The recorder's module reads DATABASE_URL when it first connects.
  process.env.DATABASE_URL = url;
  const { UsageRecorder, applyUsageBatches } = await import("../../lib/analytics/usage-recorder");
  const { rows: machines } = await client.query<{ licenseId: string; machineId: string; fingerprint: string }>(
    // The sample was seeded first (seed.ts), so its machines come first in id order of their licenses' creation.
    `SELECT m.license_id AS "licenseId", m.id AS "machineId", m.fingerprint
     FROM machines m JOIN licenses l ON l.id = m.license_id ORDER BY l.number LIMIT $1`,
    [ACTIVE],
  );
  const recorder = new UsageRecorder();
  const validations = 2 * machines.length;
  let at = Date.now();
  console.log(`${machines.length.toLocaleString("en")} licenses, ${validations.toLocaleString("en")} validations a round`);
  for (let round = 0; round < ROUNDS; round++) {
    at += 61_000;
    for (const second of [0, 1000]) {
      for (const m of machines) {
        recorder.record({ ...m, endpoint: "validate", code: "VALID", valid: true, ip: "203.0.113.7", at: new Date(at + second) });
      }
    }
    await client.query("CHECKPOINT");
    const pg0 = await pgSnapshot(client, postmaster, HARNESS);
    const cpu0 = process.cpuUsage();
    await recorder.flush();
    const applied = await applyUsageBatches();
    const cpu = process.cpuUsage(cpu0);
    await client.query("CHECKPOINT");
    const pg1 = await pgSnapshot(client, postmaster, HARNESS);
    const pgUs = (pgCpuSecondsFor(dbName, pg0, pg1) * 1e6) / validations;
    const nodeUs = (cpu.user + cpu.system) / validations;
    console.log(
      `round ${round + 1}${round === 0 ? " (warm-up)" : ""}: PostgreSQL ${pgUs.toFixed(1)} µs, Node ${nodeUs.toFixed(1)} µs per validation (${applied} batch applied)`,
    );
  }
  await client.end();
  const { db } = await import("../../lib/db/client");
  await db().end();
} finally {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
}
