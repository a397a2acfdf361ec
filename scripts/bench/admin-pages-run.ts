// `node --import tsx scripts/bench/admin-pages-run.ts` (BENCH_ADMIN_REQUESTS: requests per URL, default 15): the console's pages and the admin API's
// lists alone, without the license API's load (scripts/bench.ts runs them at the end of
// `npm run bench`). Seeds the database named by BENCH_DATABASE_URL up to BENCH_LICENSES licenses
// (default 10⁶; kept between runs, so the second run starts at once), with as many Stripe events,
// audit entries and emails as licenses (a vendor's history grows with its licenses), starts the
// production portal on PORT (default 3000) and times every page and list (admin-pages.ts).
//
// The filler keys are encrypted with a key derived from the database's name, so a second run
// against the same database can still decrypt them: this is a scratch database, not a secret.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate } from "../../lib/db/migrate";
import { deriveKeySecrets } from "../../lib/licensing/keys";
import { generateSigningKeyPem } from "../../lib/licensing/signing";
import { buildIfStale } from "../build-if-stale";
import { measureAdminPages } from "./admin-pages";
import { growTo, seedHistory, seedSample } from "./seed";

const log = (line: string) => console.log(`[bench] ${line}`);

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error("BENCH_DATABASE_URL: a scratch database to seed (it is kept between runs)");
  const total = Number(process.env.BENCH_LICENSES ?? 1_000_000);
  const port = process.env.PORT ?? "3000";
  const dbName = new URL(url).pathname.slice(1);
  const masterKey = createHash("sha256").update(`portal-bench:${dbName}`).digest();
  const secrets = deriveKeySecrets(masterKey);
  await migrate(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let child: ChildProcess | undefined;
  try {
    const started = Date.now();
    const plan = await client.query<{ id: string; product_id: string }>(`SELECT id, product_id FROM plans WHERE slug = 'bench-pro'`);
    const data = plan.rows[0]
      ? { keys: [], fingerprints: [], planId: plan.rows[0].id, productId: plan.rows[0].product_id }
      : await seedSample(client, secrets, Math.min(10_000, total));
    await growTo(client, data, secrets, total);
    await seedHistory(client, total);
    log(`${total.toLocaleString("en")} licenses ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await buildIfStale(log);
    const adminToken = randomBytes(24).toString("base64url");
    child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        PORT: port,
        LICENSE_ENCRYPTION_KEY: masterKey.toString("base64"),
        LICENSE_SIGNING_KEY: generateSigningKeyPem(),
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        ADMIN_API_TOKEN: adminToken,
        RATE_LIMIT_PER_MINUTE: "0",
        PORTAL_DATA_DIR: path.join(os.tmpdir(), dbName),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const baseUrl = await new Promise<string>((resolve, reject) => {
      child!.once("exit", (code) => reject(new Error(`the portal exited with ${code}`)));
      child!.stdout!.on("data", (chunk: Buffer) => {
        const m = /ready on (http:\/\/[^\s"]+)/.exec(chunk.toString());
        if (m) resolve(m[1]!.replace("localhost", "127.0.0.1"));
      });
    });
    log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(", ")}`);
    await measureAdminPages(client, { baseUrl, adminToken, licenses: total, log });
    log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(", ")}`);
  } finally {
    child?.removeAllListeners("exit");
    child?.kill("SIGTERM");
    await client.end();
  }
}

await main();
