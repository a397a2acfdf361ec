// The license API's server CPU per validate, without a Next build: starts the
// bare API server (lib/test/api-server.ts: the production request pipeline and
// fast-path handlers, request id, access log and metrics included, Next left
// out) once per source tree given, on one scratch database of BENCH_LICENSES
// licenses (default 10,000, each with one machine), and loads each with the
// same fixed number of signed validations (32 connections) in interleaved
// rounds. Prints the server process's CPU µs per request (utime+stime from
// /proc, read before and after each load and after the usage hand-off it
// defers), so two versions of the code can be compared on a machine whose
// load would make wall-clock figures meaningless.
//
//   FAST_PATH_TREES=/path/to/old/checkout,. DATABASE_URL=postgresql://… \
//     node --import tsx scripts/bench/fast-path-cpu.ts
//
// FAST_PATH_TREES: source trees to compare (default `.`), each with node_modules;
// BENCH_REQUESTS per load (default 20,000); BENCH_ROUNDS (default 5);
// FAST_PATH_PROFILE=1 runs the last tree under `--cpu-prof` and prints its
// functions with the most self time. FAST_PATH_CALLGRIND=1 runs every server
// under valgrind's callgrind instead and reports instructions per request
// (counted only during each load and its usage hand-off): slow (start with
// BENCH_REQUESTS=2000), but the count does not move with the machine's load
// as CPU time does. DATABASE_URL: a PostgreSQL server to
// create the scratch database on (dropped at the end); without it an embedded
// one is started. BENCH_DB_NAME names the scratch database. FAST_PATH_GAP_SECONDS
// (default 0) pauses before each load: 65 makes every license's first
// validation of a load its first in over a minute, as for a client that
// validates hourly (its answers listed again; these servers run no job engine,
// so the usage batches are handed off but not applied).
// FAST_PATH_SERVER=portal starts the whole portal instead (`scripts/start.ts`: Next's production
// build loaded, the job engine and its workers running, as under `npm run bench`; run `npm run build`
// in each tree first), to see what Next's presence and the background work add per request.
// FAST_PATH_NODE_ARGS: extra flags for the servers' node (space-separated), or
// one list per tree separated by ";" (FAST_PATH_TREES=.,. FAST_PATH_NODE_ARGS=";--flag"
// compares the same code with and without a flag).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { deriveKeySecrets } from "../../lib/licensing/keys";
import { generateSigningKeyPem } from "../../lib/licensing/signing";
import { threadCpuSeconds, treeCpuSeconds } from "./cpu";
import { growTo, seedSample } from "./seed";

const LICENSES = Number(process.env.BENCH_LICENSES ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TREES = (process.env.FAST_PATH_TREES ?? ".").split(",").map((t) => path.resolve(t));
const PROFILE = process.env.FAST_PATH_PROFILE === "1";
const CALLGRIND = process.env.FAST_PATH_CALLGRIND === "1";
const GAP_MS = Number(process.env.FAST_PATH_GAP_SECONDS ?? 0) * 1000;
const NODE_ARGS = (process.env.FAST_PATH_NODE_ARGS ?? "").split(";");
/** The extra node flags of tree `i`: its own list when FAST_PATH_NODE_ARGS has one per tree, else the one list. */
const nodeArgs = (i: number) => (NODE_ARGS.length > 1 ? (NODE_ARGS[i] ?? "") : NODE_ARGS[0]!).split(" ").filter(Boolean);
const PORTAL = process.env.FAST_PATH_SERVER === "portal";
const SERVER_SCRIPT = PORTAL ? "scripts/start.ts" : "lib/test/api-server.ts";
const READY = PORTAL ? /ready on http:\/\/localhost:(\d+)/ : /listening (\d+)/;
const UNIT = CALLGRIND ? "instructions/request" : "CPU µs/request";

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const dir = await mkdtemp(path.join(os.tmpdir(), "fast-path-cpu-"));
let serverUrl = process.env.DATABASE_URL;
const embedded = serverUrl ? undefined : await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
serverUrl ??= embedded!.url;
const dbName = process.env.BENCH_DB_NAME ?? `fast_path_cpu_${Date.now().toString(36)}`;
const url = await ensureDatabase(serverUrl, dbName);
const children: ChildProcess[] = [];

try {
  await migrate(url);
  const masterKey = randomBytes(32);
  const secrets = deriveKeySecrets(masterKey);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const data = await seedSample(client, secrets, Math.min(10_000, LICENSES));
  await growTo(client, data, secrets, LICENSES);
  await client.query("VACUUM ANALYZE");
  await client.end();
  log(`seeded ${LICENSES.toLocaleString("en")} licenses in ${dbName}`);

  const env = {
    ...process.env,
    DATABASE_URL: url,
    PORT: "0",
    LICENSE_ENCRYPTION_KEY: masterKey.toString("base64"),
    LICENSE_SIGNING_KEY: generateSigningKeyPem(),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    RATE_LIMIT_PER_MINUTE: "0",
    PORTAL_DATA_DIR: dir,
    LOG_FORMAT: "json",
  };
  const profDir = path.join(dir, "prof");
  const servers = await Promise.all(
    TREES.map(
      (tree, i) =>
        new Promise<{ tree: string; port: number; child: ChildProcess }>((resolve, reject) => {
          const prof = PROFILE && i === TREES.length - 1 ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
          const extra = nodeArgs(i);
          const node = [process.execPath, ...extra, ...prof, "--import", "tsx", SERVER_SCRIPT];
          const grind = ["--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${path.join(dir, `callgrind.${i}.out`)}`];
          const [command, ...args] = CALLGRIND ? ["valgrind", ...grind, ...node] : node;
          const child = spawn(command!, args, { cwd: tree, env, stdio: ["ignore", "pipe", "ignore"] });
          children.push(child);
          child.once("exit", (code) => reject(new Error(`${tree}: server exited with ${code}`)));
          // The access log goes to stdout, a pipe, as under `npm run bench`; read and dropped.
          child.stdout!.on("data", (chunk: Buffer) => {
            const m = READY.exec(chunk.toString());
            if (m) resolve({ tree: [tree, ...extra].join(" "), port: Number(m[1]), child });
          });
        }),
    ),
  );

  let n = 0;
  const body = () => {
    const k = n++ % data.keys.length;
    return JSON.stringify({ key: data.keys[k], fingerprint: data.fingerprints[k], nonce: String(n) });
  };
  const load = (port: number, amount: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/api/v1/licenses/validate`,
      method: "POST",
      connections: 32,
      amount,
      headers: { "content-type": "application/json" },
      requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }],
    });

  for (const s of servers) await load(s.port, Math.min(REQUESTS, 10_000)); // JIT warm-up, cache filled
  // callgrind_control: -z zeroes the counts, -e prints them (every thread's) while instrumentation is on.
  const grind = (pid: number, ...args: string[]) => execFileSync("callgrind_control", [...args, String(pid)], { stdio: "pipe" }).toString();
  const counted = (pid: number) => {
    const out = grind(pid, "-e", "Ir");
    grind(pid, "--instr=off");
    return [...out.matchAll(/Th\s+\d+\s+([\d,]+)/g)].reduce((sum, m) => sum + Number(m[1]!.replaceAll(",", "")), 0);
  };
  const figures = servers.map(() => [] as number[]);
  // Each server's CPU µs per request by thread name, summed over the rounds (not under callgrind).
  const threads = servers.map(() => ({ requests: 0, seconds: new Map<string, { user: number; system: number }>() }));
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round starts with the next server: what runs first or last in a round fares differently.
    const order = servers.map((_, k) => (k + round - 1) % servers.length);
    for (const i of order) {
      const s = servers[i]!;
      const pid = s.child.pid!;
      if (GAP_MS > 0) await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      const threadsBefore = threadCpuSeconds(pid);
      const before = CALLGRIND ? (grind(pid, "-z"), grind(pid, "--instr=on"), 0) : treeCpuSeconds(pid);
      const r = await load(s.port, REQUESTS);
      // The usage hand-off (every 5 s) is the requests' cost too.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const per = CALLGRIND ? counted(pid) / r.requests.total : ((treeCpuSeconds(pid) - before) * 1e6) / r.requests.total;
      for (const [name, now] of threadCpuSeconds(pid)) {
        const was = threadsBefore.get(name) ?? { user: 0, system: 0 };
        const sum = threads[i]!.seconds.get(name) ?? { user: 0, system: 0 };
        threads[i]!.seconds.set(name, { user: sum.user + now.user - was.user, system: sum.system + now.system - was.system });
      }
      threads[i]!.requests += r.requests.total;
      const bad = r.errors + r.timeouts + r.non2xx;
      figures[i]!.push(per);
      log(`round ${round} ${s.tree}: ${per.toFixed(0)} ${UNIT}${bad ? `, ${bad} failed` : ""} (load ${os.loadavg()[0]!.toFixed(1)})`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nserver ${UNIT} per signed validate (median of rounds, min–max):`);
  for (const [i, s] of servers.entries()) {
    const xs = figures[i]!;
    console.log(`  ${median(xs).toFixed(0).padStart(5)}  (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})  ${s.tree}`);
  }

  // Where the server's CPU went besides the main thread: V8's GC and compiler helpers, libuv's pool (all named `node`).
  if (!CALLGRIND) {
    for (const [i, s] of servers.entries()) {
      const { requests, seconds } = threads[i]!;
      const us = (sec: number) => ((sec * 1e6) / requests).toFixed(0);
      const parts = [...seconds].sort((a, b) => b[1].user + b[1].system - (a[1].user + a[1].system));
      console.log(`  by thread, user + kernel µs/request: ${parts.map(([name, t]) => `${name} ${us(t.user)} + ${us(t.system)}`).join(", ")}  ${s.tree}`);
    }
  }
  // Resident memory at the end, to compare trees or node flags by (under callgrind: valgrind's).
  for (const s of servers) {
    const status = await readFile(`/proc/${s.child.pid}/status`, "utf8").catch(() => "");
    const rss = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    console.log(`  resident memory ${rss ? `${(Number(rss) / 1024).toFixed(0)} MB` : "unknown"}  ${s.tree}`);
  }
  for (const s of servers) {
    await new Promise<void>((resolve) => {
      s.child.removeAllListeners("exit");
      s.child.once("exit", () => resolve());
      s.child.kill("SIGTERM");
    });
  }
  if (PROFILE) await printProfile(path.join(profDir, (await readdir(profDir)).find((f) => f.endsWith(".cpuprofile"))!));
} finally {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
}

type ProfileNode = { callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number };

async function printProfile(file: string): Promise<void> {
  const profile = JSON.parse(await readFile(file, "utf8")) as { nodes: ProfileNode[] };
  const total = profile.nodes.reduce((s, node) => s + node.hitCount, 0);
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url: u, lineNumber } = node.callFrame;
    const where = u.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "");
    const name = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.hitCount);
  }
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40);
  console.log("\nself time by function:\n" + top.map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)} %  ${name}`).join("\n"));
  console.log(`\nprofile: ${file}`);
}
