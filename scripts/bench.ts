// `npm run bench`: the license API's throughput and latency against a plain
// Node + pg baseline, on a scratch database with 100,000 licenses. Prints
// figures and ratios; it asserts nothing (targets are reported, not tested).
//
// Servers (each its own process): the production portal (fast path), the same
// portal with LICENSE_API_FAST_PATH=0 (the license API through Next's route
// handlers), and the baseline. Load: autocannon, 32 connections, in this process.
//
// The machine this runs on is usually shared and its speed drifts by tens of
// percent within a minute, so the scenarios run in interleaved rounds (the
// baseline, then each scenario, again and again) and the table shows each
// scenario's median over the rounds, with the median of its ratio to the
// baseline of the same round.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { deriveKeySecrets, encryptLicenseKey, generateLicenseKey, hashLicenseKey, licenseKeyHint } from "../lib/licensing/keys";
import { generateSigningKeyPem } from "../lib/licensing/signing";
import { buildIfStale } from "./build-if-stale";

const LICENSES = Number(process.env.BENCH_LICENSES ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SAMPLE = 20_000; // keys the load generator cycles through

const log = (line: string) => console.log(`[bench] ${line}`);
const children: ChildProcess[] = [];

function startProcess(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      const m = ready.exec(chunk.toString());
      if (m) resolve({ port: Number(m[1]), child });
    });
  });
}

async function seed(url: string, masterKey: Buffer): Promise<{ keys: string[]; fingerprints: string[] }> {
  const { hmacKey, aesKey } = deriveKeySecrets(masterKey);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const product = await client.query(`INSERT INTO products (slug, name, updated_at) VALUES ('bench', 'Bench', now()) RETURNING id`);
    const plan = await client.query(
      `INSERT INTO plans (product_id, slug, name, max_machines, duration_days, entitlements, updated_at)
       VALUES ($1, 'bench-pro', 'Bench Pro', 3, 365, ARRAY['core','sync'], now()) RETURNING id`,
      [product.rows[0].id],
    );
    const user = await client.query(`INSERT INTO users (email, updated_at) VALUES ('bench@example.com', now()) RETURNING id`);
    const keys: string[] = [];
    const fingerprints: string[] = [];
    for (let start = 0; start < LICENSES; start += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, LICENSES - start) }, () => generateLicenseKey("ZP"));
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO licenses (key_hash, key_ciphertext, key_hint, user_id, plan_id, expires_at, updated_at)
         SELECT h, c, k, $4, $5, now() + interval '365 days', now() FROM unnest($1::text[], $2::text[], $3::text[]) AS t(h, c, k)
         RETURNING id`,
        [batch.map((k) => hashLicenseKey(k, hmacKey)), batch.map((k) => encryptLicenseKey(k, aesKey)), batch.map(licenseKeyHint), user.rows[0].id, plan.rows[0].id],
      );
      const fps = batch.map(() => randomBytes(32).toString("hex"));
      await client.query(
        `INSERT INTO machines (license_id, fingerprint, name) SELECT l, f, 'bench' FROM unnest($1::uuid[], $2::text[]) AS t(l, f)`,
        [rows.map((r) => r.id), fps],
      );
      if (keys.length < SAMPLE) {
        keys.push(...batch.slice(0, SAMPLE - keys.length));
        fingerprints.push(...fps.slice(0, keys.length - fingerprints.length));
      }
    }
    await client.query("ANALYZE");
    // Read both tables once so no scenario pays for a cold cache the one before it warmed.
    await client.query("SELECT count(*) FROM licenses l JOIN machines m ON m.license_id = l.id");
    return { keys, fingerprints };
  } finally {
    await client.end();
  }
}

type Figures = { rps: number; p50: number; p99: number; failed: number };
type Scenario = { name: string; url: string; body: (i: number) => unknown };

async function load(s: Scenario, duration: number): Promise<Figures> {
  let i = 0;
  const r = await autocannon({
    url: s.url,
    method: "POST",
    connections: CONNECTIONS,
    duration,
    headers: { "content-type": "application/json" },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify(s.body(i++)) }) }],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed: r.errors + r.timeouts + r.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
  try {
    await buildIfStale(log);
    await migrate(url);
    const masterKey = randomBytes(32);
    log(`seeding ${LICENSES.toLocaleString("en")} licenses, each with one machine…`);
    const started = Date.now();
    const { keys, fingerprints } = await seed(url, masterKey);
    log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const env: Record<string, string> = {
      DATABASE_URL: url,
      LICENSE_ENCRYPTION_KEY: masterKey.toString("base64"),
      LICENSE_SIGNING_KEY: generateSigningKeyPem(),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      RATE_LIMIT_PER_MINUTE: "0",
      PORTAL_DATA_DIR: dataDir ?? path.join(os.tmpdir(), dbName),
    };
    const ready = /ready on http:\/\/localhost:(\d+)/;
    const [fast, viaNext, baseline] = await Promise.all([
      startProcess(["--import", "tsx", "scripts/start.ts"], { ...env, PORT: "0" }, ready),
      startProcess(["--import", "tsx", "scripts/start.ts"], { ...env, PORT: "0", LICENSE_API_FAST_PATH: "0" }, ready),
      startProcess(["--import", "tsx", "scripts/bench/baseline-server.ts"], { ...env, BENCH_HMAC_KEY: deriveKeySecrets(masterKey).hmacKey.toString("base64") }, /listening (\d+)/),
    ]);
    const at = (p: { port: number }, route: string) => `http://127.0.0.1:${p.port}${route}`;
    const pick = (i: number) => i % keys.length;
    const validateBody = (i: number) => ({ key: keys[pick(i)], fingerprint: fingerprints[pick(i)], nonce: String(i) });
    const scenarios: Scenario[] = [
      { name: "baseline: node http + pg, one SELECT", url: at(baseline, "/"), body: (i) => ({ key: keys[pick(i)] }) },
      { name: "validate + fingerprint, signed (fast path)", url: at(fast, "/api/v1/licenses/validate"), body: validateBody },
      {
        name: "activate, existing machine (fast path)",
        url: at(fast, "/api/v1/licenses/activate"),
        body: (i) => ({ key: keys[pick(i)], fingerprint: fingerprints[pick(i)] }),
      },
      {
        name: "seed-compatible /api/validate (fast path)",
        url: at(fast, "/api/validate"),
        body: (i) => ({ key: keys[pick(i)], machine_id: fingerprints[pick(i)] }),
      },
      { name: "validate + fingerprint, signed (Next route handler)", url: at(viaNext, "/api/v1/licenses/validate"), body: validateBody },
    ];

    // Every scenario gets the same head start (JIT, connection pools, prepared statements) before anything is measured.
    log("warming up every scenario…");
    for (const s of scenarios) await load(s, 2);
    log(`load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per scenario, ${ROUNDS} interleaved rounds`);
    const runs: Figures[][] = scenarios.map(() => []);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [n, s] of scenarios.entries()) runs[n]!.push(await load(s, DURATION_S));
      log(`round ${round} of ${ROUNDS} done`);
    }

    const perRound = (n: number, over: number) => runs[n]!.map((r, round) => r.rps / runs[over]![round]!.rps);
    const summary = scenarios.map((s, n) => ({
      name: s.name,
      rps: median(runs[n]!.map((r) => r.rps)),
      p50: median(runs[n]!.map((r) => r.p50)),
      p99: median(runs[n]!.map((r) => r.p99)),
      ratio: median(perRound(n, 0)),
      failed: runs[n]!.reduce((sum, r) => sum + r.failed, 0),
    }));
    console.log(`\nmedians over ${ROUNDS} rounds ("× base": median of each round's ratio to that round's baseline)`);
    console.log(`${"scenario".padEnd(54)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"× base".padStart(7)} ${"errors".padStart(7)}`);
    for (const r of summary) {
      console.log(
        `${r.name.padEnd(54)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${r.ratio.toFixed(2).padStart(7)} ${String(r.failed).padStart(7)}`,
      );
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
    console.log(`validate (fast path) ÷ baseline, round by round: ${fmt(perRound(1, 0))}`);
    console.log(`validate, fast path ÷ Next route handler, round by round: ${fmt(perRound(1, 4))}`);

    const validate = summary[1]!;
    const overNext = median(perRound(1, 4));
    console.log("\ntargets:");
    console.log(`  validate ≥ 0.6 × baseline req/s: ${validate.ratio.toFixed(2)} × (${validate.ratio >= 0.6 ? "met" : "NOT met"})`);
    console.log(`  validate p99 < 25 ms at ${CONNECTIONS} connections: ${validate.p99.toFixed(1)} ms (${validate.p99 < 25 ? "met" : "NOT met"})`);
    console.log(`  fast path ≥ 5 × Next route handler: ${overNext.toFixed(1)} × (${overNext >= 5 ? "met" : "NOT met"})`);
    for (const r of summary) if (r.failed > 0) console.log(`  warning: ${r.name} had ${r.failed} errors or non-2xx answers`);
  } finally {
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
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
