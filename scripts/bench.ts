// `npm run bench`: the license API's throughput, latency and CPU cost per
// request against a plain Node + pg baseline, on a scratch database with 10⁴
// licenses and then with 10⁶ (the same keys under load, a hundred times the
// rows around them). Prints figures and ratios; it asserts nothing (targets are
// reported, not tested).
//
// Servers (each its own process): the production portal (fast path), the same
// without its license cache (LICENSE_CACHE_SIZE=0), the same with LICENSE_API_FAST_PATH=0 (the license API through Next's route
// handlers), and the baseline. Load: autocannon, 32 connections, in this process.
//
// CPU per request: utime+stime (/proc/<pid>/stat) of the scenario's server
// process and of every PostgreSQL process, read before and after each load,
// divided by the requests answered. Unlike req/s, it hardly depends on what
// else the machine is doing. With DATABASE_URL set, the PostgreSQL figure
// counts every process of that server, other users' included.
//
// The machine this runs on is usually shared and its speed drifts by tens of
// percent within a minute, so the scenarios run in interleaved rounds (the
// baseline, then each scenario, again and again) and the table shows each
// scenario's median over the rounds, with the median of its ratio to the
// baseline of the same round.
//
// Environment: BENCH_SIZES (default "10000,1000000"), BENCH_CONNECTIONS (32),
// BENCH_DURATION (seconds per load, 5), BENCH_ROUNDS (3), BENCH_ADMIN (1: also
// time the console's pages and the admin API's lists at the largest size, with as
// many Stripe events, emails and audit entries as licenses),
// BENCH_WEBHOOKS (1: then 100 webhook events/s into the job engine, BENCH_WEBHOOK_RATE /
// BENCH_WEBHOOK_SECONDS; scripts/bench/webhooks.ts runs it alone).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { deriveKeySecrets } from "../lib/licensing/keys";
import { generateSigningKeyPem } from "../lib/licensing/signing";
import { momentsDue } from "../lib/lifecycle/moments";
import { measureAdminPages } from "./bench/admin-pages";
import { parentPid, pgCpuSecondsFor, pgSnapshot, treeCpuSeconds } from "./bench/cpu";
import { growTo, seedHistory, seedSample } from "./bench/seed";
import { benchWebhooks } from "./bench/webhooks";
import { buildIfStale } from "./build-if-stale";

const SIZES = (process.env.BENCH_SIZES ?? "10000,1000000").split(",").map(Number);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN = process.env.BENCH_ADMIN !== "0";
const SAMPLE = Math.min(10_000, SIZES[0]!); // keys the load generator cycles through

const log = (line: string) => console.log(`[bench] ${line}`);
const children: ChildProcess[] = [];

function startProcess(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    let output = ""; // the logs go to stdout: shown when the process dies before it is ready
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${output.slice(-3000)}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const m = ready.exec(chunk.toString());
      if (m) resolve({ port: Number(m[1]), child });
    });
  });
}

type Figures = { rps: number; p50: number; p99: number; failed: number; serverUs: number; pgUs: number };
/**
 * `database`: the server's own copy of the seeded database, whose backends' CPU is the scenario's
 * PostgreSQL figure; `settle`: the server defers work to after the load (usage counters handed to the
 * job engine every 5 s and applied by a job), which is waited for inside the measurement.
 */
type Scenario = { name: string; url: string; pid: number; database: string; settle: boolean; body: (i: number) => unknown };

/** The application_name of the benchmark's own connections: their backends are not counted. */
const HARNESS = "portal-bench-harness";
type Harness = { admin: pg.Client; postmaster: number; clients: Map<string, pg.Client> };

// The portal counts usage in memory and hands it to the job engine at most 5 s after a request
// (lib/analytics/usage-recorder.ts); a job then applies it. That work is the requests' cost too: wait
// for the last hand-off, then for the database's usage_batches to be emptied by the job.
async function settle(h: Harness, database: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 5_500));
  const client = h.clients.get(database)!;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM usage_batches");
    if (rows[0]!.n === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`warning: usage batches of ${database} were still pending after 30 s`);
}

/**
 * Waits until the portals' own background work on `databases` is done: no job of the engine due or
 * running, no expiry or missed deadline left for the lifecycle tick to report (momentsDue: the tick
 * is scheduled each minute, so a check between two ticks would not see it coming), and no backend
 * but the harness's busy for more than half a second, three checks in a row
 * (1 s apart); at most `limitMs`. Growing a database under running portals gives their schedules
 * (renewal reminders, expiry sweeps, counts) a million new licenses to work through, and that
 * one-off work otherwise lands in whichever scenario is loaded meanwhile — on the same two cores
 * as every other scenario's server. Then a CHECKPOINT, so the writes of the growth and of that work
 * are not flushed during a measurement either. Returns the seconds waited.
 */
async function waitForQuiet(h: Harness, databases: string[], limitMs = 15 * 60_000): Promise<number> {
  const started = Date.now();
  let quietChecks = 0;
  let busy = "";
  while (Date.now() - started < limitMs && quietChecks < 3) {
    await new Promise((r) => setTimeout(r, 1000));
    const { rows: active } = await h.admin.query<{ datname: string; query: string }>(
      `SELECT datname, left(query, 80) AS query FROM pg_stat_activity
       WHERE datname = ANY($1) AND state = 'active' AND application_name <> $2 AND now() - query_start > interval '500 ms'`,
      [databases, HARNESS],
    );
    let jobs = 0;
    // Expiries and missed deadlines not yet reported (after growing: the past expiries among the new
    // licenses), which the next minutely tick reports: a one-off catch-up, not the requests' cost.
    let moments = 0;
    for (const database of databases) {
      // The baseline's database has no job engine, hence no pgboss schema.
      const client = h.clients.get(database)!;
      const { rows: engine } = await client.query<{ present: boolean }>(`SELECT to_regclass('pgboss.job') IS NOT NULL AS present`);
      if (!engine[0]!.present) continue;
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE (state < 'active' AND start_after <= now()) OR state = 'active'`,
      );
      jobs += rows[0]!.n;
      if (await momentsDue(new Date(), client)) moments++;
    }
    busy =
      active.length > 0
        ? `${active[0]!.datname}: ${active[0]!.query}`
        : jobs > 0
          ? `${jobs} jobs due or running`
          : moments > 0
            ? `lifecycle moments to report in ${moments} databases`
            : "";
    quietChecks = busy ? 0 : quietChecks + 1;
  }
  if (quietChecks < 3) log(`warning: still busy after ${limitMs / 60_000} min (${busy}); measuring anyway`);
  await h.admin.query("CHECKPOINT");
  return (Date.now() - started) / 1000;
}

async function load(s: Scenario, duration: number, h: Harness, measured = true): Promise<Figures> {
  let i = 0;
  const server0 = treeCpuSeconds(s.pid);
  const pg0 = await pgSnapshot(h.admin, h.postmaster, HARNESS);
  const r = await autocannon({
    url: s.url,
    method: "POST",
    connections: CONNECTIONS,
    duration,
    headers: { "content-type": "application/json" },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify(s.body(i++)) }) }],
  });
  if (measured && s.settle) await settle(h, s.database);
  const server1 = treeCpuSeconds(s.pid);
  const pg1 = await pgSnapshot(h.admin, h.postmaster, HARNESS);
  const answered = Math.max(1, r.requests.total);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failed: r.errors + r.timeouts + r.non2xx,
    serverUs: ((server1 - server0) * 1e6) / answered,
    pgUs: (pgCpuSecondsFor(s.database, pg0, pg1) * 1e6) / answered,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the scenarios (the first is the baseline) in interleaved rounds and prints the table. */
async function measure(label: string, scenarios: Scenario[], h: Harness): Promise<Figures[]> {
  log(`${label}: warming up every scenario…`);
  for (const s of scenarios) await load(s, 2, h, false);
  log(`${label}: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per scenario, ${ROUNDS} interleaved rounds`);
  const runs: Figures[][] = scenarios.map(() => []);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [n, s] of scenarios.entries()) runs[n]!.push(await load(s, DURATION_S, h));
    log(`${label}: round ${round} of ${ROUNDS} done`);
  }
  const ratio = (n: number, f: (x: Figures) => number) => median(runs[n]!.map((r, round) => f(r) / f(runs[0]![round]!)));
  const total = (x: Figures) => x.serverUs + x.pgUs;
  const summary = scenarios.map((s, n) => ({
    name: s.name,
    rps: median(runs[n]!.map((r) => r.rps)),
    p50: median(runs[n]!.map((r) => r.p50)),
    p99: median(runs[n]!.map((r) => r.p99)),
    serverUs: median(runs[n]!.map((r) => r.serverUs)),
    pgUs: median(runs[n]!.map((r) => r.pgUs)),
    cpu: median(runs[n]!.map(total)),
    rpsRatio: ratio(n, (x) => x.rps),
    cpuRatio: ratio(n, total),
    failed: runs[n]!.reduce((sum, r) => sum + r.failed, 0),
  }));
  console.log(`\n${label}: medians over ${ROUNDS} rounds ("×" columns: median of each round's ratio to that round's baseline)`);
  console.log(
    `${"scenario".padEnd(50)} ${"req/s".padStart(7)} ${"p50 ms".padStart(6)} ${"p99 ms".padStart(6)} ${"×req/s".padStart(6)} ` +
      `${"srv µs".padStart(6)} ${"pg µs".padStart(6)} ${"cpu µs".padStart(6)} ${"×cpu".padStart(5)} ${"errors".padStart(6)}`,
  );
  for (const r of summary) {
    console.log(
      `${r.name.padEnd(50)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(1).padStart(6)} ${r.p99.toFixed(1).padStart(6)} ${r.rpsRatio.toFixed(2).padStart(6)} ` +
        `${r.serverUs.toFixed(0).padStart(6)} ${r.pgUs.toFixed(0).padStart(6)} ${r.cpu.toFixed(0).padStart(6)} ${r.cpuRatio.toFixed(2).padStart(5)} ${String(r.failed).padStart(6)}`,
    );
  }
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
  console.log(`${scenarios[1]!.name} ÷ baseline, CPU per request, round by round: ${fmt(runs[1]!.map((r, i) => total(r) / total(runs[0]![i]!)))}`);
  const v = summary[1]!;
  console.log(`targets (${label}):`);
  console.log(`  validate CPU per request ≤ 1.2 × baseline (stretch 1.0): ${v.cpuRatio.toFixed(2)} × (${v.cpuRatio <= 1.0 ? "stretch met" : v.cpuRatio <= 1.2 ? "met" : "NOT met"})`);
  console.log(`  validate p99 < 25 ms at ${CONNECTIONS} connections: ${v.p99.toFixed(1)} ms (${v.p99 < 25 ? "met" : "NOT met"})`);
  for (const r of summary) if (r.failed > 0) console.log(`  warning: ${r.name} had ${r.failed} errors or non-2xx answers`);
  return summary.map((r) => ({ rps: r.rps, p50: r.p50, p99: r.p99, failed: r.failed, serverUs: r.serverUs, pgUs: r.pgUs }));
}

async function main() {
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-bench-"));
    await chmod(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), persistent: false });
    serverUrl = embedded.url;
  }
  const dbName = `portal_bench_${Date.now().toString(36)}`;
  const url = await ensureDatabase(serverUrl, dbName);
  // Each server gets its own copy of the seeded database (made from it as a template): a scenario's
  // PostgreSQL figure is the CPU of its server's backends, and the portals' job engines (usage
  // hand-offs, polling) cannot do each other's work in another scenario's measurement.
  const copies = ["base", "fast", "uncached", "next"].map((suffix) => `${dbName}_${suffix}`);
  const urlOf = (database: string) => Object.assign(new URL(url), { pathname: `/${database}` }).toString();
  const client = new pg.Client({ connectionString: url, application_name: HARNESS });
  const admin = new pg.Client({ connectionString: serverUrl, application_name: HARNESS });
  const harness: Harness = { admin, postmaster: 0, clients: new Map() };
  try {
    await buildIfStale(log);
    await migrate(url);
    await client.connect();
    await admin.connect();
    harness.postmaster = parentPid((await admin.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
    if (process.env.DATABASE_URL) log("DATABASE_URL is set: the PostgreSQL CPU figures also count that server's WAL writer and checkpointer, which other clients use too");
    const masterKey = randomBytes(32);
    const secrets = deriveKeySecrets(masterKey);
    let started = Date.now();
    log(`seeding ${SAMPLE.toLocaleString("en")} licenses with real keys, each with one machine…`);
    const data = await seedSample(client, secrets, SAMPLE);
    await growTo(client, data, secrets, SIZES[0]!);
    // Statistics and visibility maps before copying, and a checkpoint after: otherwise autovacuum and
    // the checkpointer do that work during the first loads, and it lands in their figures.
    await client.query("VACUUM ANALYZE");
    await client.end();
    for (const copy of copies) await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${dbName}`);
    await admin.query("CHECKPOINT");
    for (const copy of copies) {
      const c = new pg.Client({ connectionString: urlOf(copy), application_name: HARNESS });
      await c.connect();
      harness.clients.set(copy, c);
    }
    log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const [baseDb, fastDb, uncachedDb, nextDb] = copies as [string, string, string, string];

    const adminToken = randomBytes(24).toString("base64url");
    const env: Record<string, string> = {
      LICENSE_ENCRYPTION_KEY: masterKey.toString("base64"),
      LICENSE_SIGNING_KEY: generateSigningKeyPem(),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      ADMIN_API_TOKEN: adminToken,
      RATE_LIMIT_PER_MINUTE: "0",
      PORTAL_DATA_DIR: dataDir ?? path.join(os.tmpdir(), dbName),
    };
    const ready = /ready on http:\/\/localhost:(\d+)/;
    const [fast, uncached, viaNext, baseline] = await Promise.all([
      startProcess(["--import", "tsx", "scripts/start.ts"], { ...env, DATABASE_URL: urlOf(fastDb), PORT: "0" }, ready),
      startProcess(["--import", "tsx", "scripts/start.ts"], { ...env, DATABASE_URL: urlOf(uncachedDb), PORT: "0", LICENSE_CACHE_SIZE: "0" }, ready),
      startProcess(["--import", "tsx", "scripts/start.ts"], { ...env, DATABASE_URL: urlOf(nextDb), PORT: "0", LICENSE_API_FAST_PATH: "0" }, ready),
      startProcess(
        ["--import", "tsx", "scripts/bench/baseline-server.ts"],
        { ...env, DATABASE_URL: urlOf(baseDb), BENCH_HMAC_KEY: secrets.hmacKey.toString("base64") },
        /listening (\d+)/,
      ),
    ]);
    const at = (p: { port: number }, route: string) => `http://127.0.0.1:${p.port}${route}`;
    const { keys, fingerprints } = data;
    const pick = (i: number) => i % keys.length;
    const validateBody = (i: number) => ({ key: keys[pick(i)], fingerprint: fingerprints[pick(i)], nonce: String(i) });
    const portal = (p: { child: ChildProcess }, database: string) => ({ pid: p.child.pid!, database, settle: true });
    const baselineScenario: Scenario = {
      name: "baseline: node http + pg, one SELECT",
      url: at(baseline, "/"),
      pid: baseline.child.pid!,
      database: baseDb,
      settle: false, // it defers nothing
      body: (i) => ({ key: keys[pick(i)] }),
    };
    const validateScenario: Scenario = { name: "validate + fingerprint, signed (fast path)", url: at(fast, "/api/v1/licenses/validate"), ...portal(fast, fastDb), body: validateBody };
    // The same validate without the license cache (LICENSE_CACHE_SIZE=0): what the cache saves, in the same run.
    const uncachedScenario: Scenario = {
      name: "validate, no license cache (fast path)",
      url: at(uncached, "/api/v1/licenses/validate"),
      ...portal(uncached, uncachedDb),
      body: validateBody,
    };
    const scenarios: Scenario[] = [
      baselineScenario,
      validateScenario,
      uncachedScenario,
      {
        name: "activate, existing machine (fast path)",
        url: at(fast, "/api/v1/licenses/activate"),
        ...portal(fast, fastDb),
        body: (i) => ({ key: keys[pick(i)], fingerprint: fingerprints[pick(i)] }),
      },
      {
        name: "seed-compatible /api/validate (fast path)",
        url: at(fast, "/api/validate"),
        ...portal(fast, fastDb),
        body: (i) => ({ key: keys[pick(i)], machine_id: fingerprints[pick(i)] }),
      },
      { name: "validate + fingerprint, signed (Next route handler)", url: at(viaNext, "/api/v1/licenses/validate"), ...portal(viaNext, nextDb), body: validateBody },
    ];

    const bySize: { size: number; validate: Figures; baseline: Figures }[] = [];
    for (const [n, size] of SIZES.entries()) {
      if (n > 0) {
        log(`growing the baseline's and both validates' databases to ${size.toLocaleString("en")} licenses…`);
        started = Date.now();
        for (const copy of [baseDb, fastDb, uncachedDb]) await growTo(harness.clients.get(copy)!, data, secrets, size);
        log(`grown in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        // As before the first size: without it autovacuum takes up the million new rows (statistics,
        // visibility maps, 17 indexes of licenses) a minute later, in whichever scenario is loaded then.
        for (const copy of [baseDb, fastDb, uncachedDb]) await harness.clients.get(copy)!.query("VACUUM ANALYZE");
      }
      log(`waiting for the portals' own background work (start-up jobs; after growing, their schedules' work on the new rows)…`);
      log(`quiet after ${(await waitForQuiet(harness, copies)).toFixed(0)} s (load average ${os.loadavg().map((x) => x.toFixed(1)).join(", ")})`);
      // All scenarios at the first size; at the larger ones, what "flat" is about.
      const figures = await measure(`${size.toLocaleString("en")} licenses`, n === 0 ? scenarios : [baselineScenario, validateScenario, uncachedScenario], harness);
      bySize.push({ size, baseline: figures[0]!, validate: figures[1]! });
    }
    if (bySize.length > 1) {
      console.log("\nvalidate (fast path) by table size:");
      for (const s of bySize) {
        console.log(
          `  ${s.size.toLocaleString("en").padStart(10)} licenses: p50 ${s.validate.p50.toFixed(1)} ms, p99 ${s.validate.p99.toFixed(1)} ms, ` +
            `${(s.validate.serverUs + s.validate.pgUs).toFixed(0)} µs CPU per request (baseline ${(s.baseline.serverUs + s.baseline.pgUs).toFixed(0)} µs)`,
        );
      }
    }
    if (ADMIN) {
      // A vendor's history grows with its licenses: the events, emails and audit pages are timed on
      // as many Stripe events, emails and audit entries as licenses, not on nearly empty tables.
      const admin = harness.clients.get(fastDb)!;
      started = Date.now();
      await seedHistory(admin, SIZES.at(-1)!);
      await admin.query("CHECKPOINT"); // the inserts' writes are not left to a checkpoint during the timings
      log(`history seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // As before each size's rounds: the portals' own schedules (a reminder run queueing thousands
      // of emails, the lifecycle's catch-up) would otherwise land in whichever page is timed then.
      log(`quiet after ${(await waitForQuiet(harness, copies)).toFixed(0)} s (load average ${os.loadavg().map((x) => x.toFixed(1)).join(", ")})`);
      await measureAdminPages(admin, { baseUrl: at(fast, ""), adminToken, licenses: SIZES.at(-1)!, log });
    }
    // Outbound webhooks through the job engine (BENCH_WEBHOOKS=0 skips it; see scripts/bench/webhooks.ts).
    if (process.env.BENCH_WEBHOOKS !== "0") await benchWebhooks(url, log);
  } finally {
    await client.end().catch(() => {});
    for (const c of harness.clients.values()) await c.end().catch(() => {});
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null) return done();
            c.removeAllListeners("exit");
            c.once("exit", () => done());
            c.kill("SIGTERM");
          }),
      ),
    );
    await admin.end().catch(() => {});
    const dropper = new pg.Client({ connectionString: serverUrl });
    await dropper.connect();
    for (const name of [dbName, ...copies]) await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await dropper.end();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
