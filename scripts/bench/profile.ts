// Where the license API's CPU goes: starts the production portal with
// `--cpu-prof` on a scratch database (BENCH_LICENSES licenses, default 10,000),
// loads POST /api/v1/licenses/validate (or BENCH_ROUTE; /api/validate gets the
// seed-compatible body) for BENCH_DURATION seconds (default 10) at 32
// connections, stops it, and prints the functions with the most self time,
// grouped by where they come from. The .cpuprofile is kept (its path is
// printed) for Chrome DevTools or speedscope.
//
//   node --import tsx scripts/bench/profile.ts
import { spawn } from "node:child_process";
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
import { buildIfStale } from "../build-if-stale";
import { growTo, seedSample } from "./seed";

const LICENSES = Number(process.env.BENCH_LICENSES ?? 10_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ROUTE = process.env.BENCH_ROUTE ?? "/api/v1/licenses/validate";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] };

const dir = await mkdtemp(path.join(os.tmpdir(), "portal-profile-"));
let serverUrl = process.env.DATABASE_URL;
const embedded = serverUrl ? undefined : await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
serverUrl ??= embedded!.url;
const url = await ensureDatabase(serverUrl, `portal_profile_${Date.now().toString(36)}`);
await buildIfStale((l) => console.log(l));
await migrate(url);
const masterKey = randomBytes(32);
const secrets = deriveKeySecrets(masterKey);
const client = new pg.Client({ connectionString: url });
await client.connect();
const data = await seedSample(client, secrets, Math.min(10_000, LICENSES));
await growTo(client, data, secrets, LICENSES);
await client.end();

const profDir = path.join(dir, "prof");
const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--import", "tsx", "scripts/start.ts"], {
  env: {
    ...process.env,
    DATABASE_URL: url,
    PORT: "0",
    LICENSE_ENCRYPTION_KEY: masterKey.toString("base64"),
    LICENSE_SIGNING_KEY: generateSigningKeyPem(),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    RATE_LIMIT_PER_MINUTE: "0",
    PORTAL_DATA_DIR: dir,
  },
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise<number>((resolve) =>
  child.stdout!.on("data", (c: Buffer) => {
    const m = /ready on http:\/\/localhost:(\d+)/.exec(c.toString());
    if (m) resolve(Number(m[1]));
  }),
);
let i = 0;
const body = () => {
  const n = i++ % data.keys.length;
  // The seed-compatible endpoint names the machine `machine_id` and takes no nonce (API.md).
  if (ROUTE === "/api/validate") return JSON.stringify({ key: data.keys[n], machine_id: data.fingerprints[n] });
  return JSON.stringify({ key: data.keys[n], fingerprint: data.fingerprints[n], nonce: String(i) });
};
const run = (duration: number) =>
  autocannon({
    url: `http://127.0.0.1:${port}${ROUTE}`,
    method: "POST",
    connections: 32,
    duration,
    headers: { "content-type": "application/json" },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }],
  });
await run(3);
const r = await run(DURATION_S);
console.log(`${ROUTE}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`);
await new Promise<void>((resolve) => {
  child.once("exit", () => resolve());
  child.kill("SIGTERM");
});
await embedded?.stop();

const file = path.join(profDir, (await readdir(profDir)).find((f) => f.endsWith(".cpuprofile"))!);
const profile = JSON.parse(await readFile(file, "utf8")) as { nodes: Node[] };
const total = profile.nodes.reduce((s, n) => s + n.hitCount, 0);
const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
const area = (u: string) => {
  if (!u) return "(native / V8)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1]!;
  if (u.startsWith("node:")) return u;
  return u.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
};
for (const n of profile.nodes) {
  const { functionName, url: u, lineNumber } = n.callFrame;
  const name = `${functionName || "(anonymous)"} ${area(u)}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + n.hitCount);
  byArea.set(area(u), (byArea.get(area(u)) ?? 0) + n.hitCount);
}
const top = (m: Map<string, number>, k: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)} %  ${name}`);
console.log("\nself time by origin:\n" + top(byArea, 25).join("\n"));
console.log("\nself time by function:\n" + top(byFunction, 40).join("\n"));
console.log(`\nprofile: ${file}`);
