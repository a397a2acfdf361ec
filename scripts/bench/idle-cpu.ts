// What a portal costs doing nothing: starts the bare API server with its job
// engine (lib/test/api-server.ts, START_JOBS=1, as `npm start` runs it) on a
// scratch database, once per source tree given, lets start-up work finish, then
// sends no request for IDLE_SECONDS (default 60) and prints the CPU the server
// process used and the CPU of PostgreSQL's processes for that database (its
// backends, plus the server-wide ones), in ms per second, and the database's
// transactions per second (pg_stat_database: steadier than CPU on a busy
// machine). The trees run one after the other, each on its own database, so
// their polling is not mixed.
//
//   IDLE_TREES=/path/to/old/checkout,. DATABASE_URL=postgresql://… \
//     node --import tsx scripts/bench/idle-cpu.ts
//
// The servers inherit the environment: JOBS_POLL_SECONDS=2 measures another
// poll interval.
//
// DATABASE_URL: a PostgreSQL server to create the scratch databases on (dropped
// at the end); without it an embedded one is started. IDLE_SETTLE_SECONDS
// (default 20): the wait after start-up before measuring.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { generateSigningKeyPem } from "../../lib/licensing/signing";
import { parentPid, pgCpuSecondsFor, pgSnapshot, treeCpuSeconds } from "./cpu";

const IDLE_S = Number(process.env.IDLE_SECONDS ?? 60);
const SETTLE_S = Number(process.env.IDLE_SETTLE_SECONDS ?? 20);
const TREES = (process.env.IDLE_TREES ?? ".").split(",").map((t) => path.resolve(t));
const HARNESS = "idle-cpu-harness";

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000));
const dir = await mkdtemp(path.join(os.tmpdir(), "idle-cpu-"));
let serverUrl = process.env.DATABASE_URL;
const embedded = serverUrl ? undefined : await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
serverUrl ??= embedded!.url;
const admin = new pg.Client({ connectionString: serverUrl, application_name: HARNESS });
await admin.connect();
const postmaster = parentPid((await admin.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
const results: { tree: string; serverMs: number; pgMs: number; perSecond: number }[] = [];
let child: ChildProcess | undefined;
const databases: string[] = [];

try {
  for (const [i, tree] of TREES.entries()) {
    const dbName = `idle_cpu_${Date.now().toString(36)}_${i}`;
    databases.push(dbName);
    const url = await ensureDatabase(serverUrl, dbName);
    await migrate(url);
    const env = {
      ...process.env,
      DATABASE_URL: url,
      PORT: "0",
      START_JOBS: "1",
      LICENSE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      LICENSE_SIGNING_KEY: generateSigningKeyPem(),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      PORTAL_DATA_DIR: dir,
      LOG_FORMAT: "json",
    };
    const server = spawn(process.execPath, ["--import", "tsx", "lib/test/api-server.ts"], { cwd: tree, env, stdio: ["ignore", "pipe", "inherit"] });
    child = server;
    await new Promise<void>((resolve, reject) => {
      server.once("exit", (code) => reject(new Error(`${tree}: server exited with ${code}`)));
      server.stdout!.on("data", (chunk: Buffer) => /listening \d+/.test(chunk.toString()) && resolve());
    });
    await sleep(SETTLE_S);
    const transactions = async () =>
      Number((await admin.query<{ n: string }>("SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1", [dbName])).rows[0]!.n);
    const server0 = treeCpuSeconds(server.pid!);
    const pg0 = await pgSnapshot(admin, postmaster, HARNESS);
    const tx0 = await transactions();
    const started = performance.now();
    await sleep(IDLE_S);
    const server1 = treeCpuSeconds(server.pid!);
    const pg1 = await pgSnapshot(admin, postmaster, HARNESS);
    const elapsed = (performance.now() - started) / 1000;
    // Statistics reach pg_stat_database within a second of a transaction's end.
    const tx1 = await sleep(1).then(transactions);
    const serverMs = ((server1 - server0) * 1000) / elapsed;
    const pgMs = (pgCpuSecondsFor(dbName, pg0, pg1) * 1000) / elapsed;
    const perSecond = (tx1 - tx0) / (elapsed + 1);
    results.push({ tree, serverMs, pgMs, perSecond });
    log(`${tree}: server ${serverMs.toFixed(1)} ms/s, PostgreSQL ${pgMs.toFixed(1)} ms/s, ${perSecond.toFixed(1)} transactions/s over ${IDLE_S} s idle`);
    server.removeAllListeners("exit");
    await new Promise<void>((resolve) => {
      server.once("exit", () => resolve());
      server.kill("SIGTERM");
    });
    child = undefined;
  }
  console.log(`\nAn idle portal (job engine running, no requests): CPU in ms per second, and its database's transactions per second:`);
  for (const r of results) {
    console.log(`  server ${r.serverMs.toFixed(1).padStart(5)}  PostgreSQL ${r.pgMs.toFixed(1).padStart(5)}  transactions ${r.perSecond.toFixed(1).padStart(5)}  ${r.tree}`);
  }
} finally {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
}
