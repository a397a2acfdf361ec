// `npm run bench:upload`: how much memory a streamed artifact upload costs the
// server. Starts the API server (the production fast path, lib/test/api-server.ts)
// in its own process on a scratch database, uploads 1 GiB (BENCH_UPLOAD_MIB) to
// PUT /api/v1/admin/releases/{id}/artifacts/{filename}, and reports the server's
// resident memory before and its peak (VmHWM from /proc) during the upload.
// Needs DATABASE_URL pointing at a PostgreSQL server (a scratch database is
// created on it and dropped). Reports; asserts nothing.
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate } from "../lib/db/migrate";
import { databaseUrlWithName } from "../lib/test/database-url";
import { spawnApiServer } from "../lib/test/spawn-api-server";

const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 1024);
const log = (line: string) => console.log(`[bench:upload] ${line}`);

async function memory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)![1]) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** PUTs `mib` MiB (one random MiB repeated) and resolves with the answer and the SHA-256 sent. */
function upload(url: string, token: string, mib: number, chunked: boolean): Promise<{ status: number; body: string; sha256: string }> {
  const block = randomBytes(MIB);
  const hash = createHash("sha256");
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream", ...(chunked ? {} : { "Content-Length": String(mib * MIB) }) },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c) => (body += c)).on("end", () => resolve({ status: res.statusCode!, body, sha256: hash.digest("hex") }));
    });
    req.on("error", reject);
    let sent = 0;
    const write = () => {
      while (sent < mib) {
        sent++;
        hash.update(block);
        if (!req.write(block)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("set DATABASE_URL to a PostgreSQL server (a scratch database is created on it)");
  const name = `bench_upload_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = databaseUrlWithName(serverUrl, name);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "bench-upload-"));
  const token = randomBytes(16).toString("hex");
  try {
    await migrate(url);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const product = await db.query(`INSERT INTO products (slug, name, updated_at) VALUES ('bench', 'Bench', now()) RETURNING id`);
    const release = await db.query(`INSERT INTO releases (product_id, version, updated_at, published_at) VALUES ($1, '1.0.0', now(), now()) RETURNING id`, [product.rows[0].id]);
    await db.end();
    const server = await spawnApiServer({
      DATABASE_URL: url,
      ADMIN_API_TOKEN: token,
      PORTAL_DATA_DIR: dataDir,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      LICENSE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      LICENSE_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    });
    const pid = server.process.pid!;
    try {
      const target = (file: string) => `${server.url}/api/v1/admin/releases/${release.rows[0].id}/artifacts/${file}?platform=linux&arch=x64`;
      // Warm up: modules loaded, pools open, one upload's worth of buffers allocated.
      for (let i = 0; i < 3; i++) await upload(target("warm.bin"), token, 8, false);
      global.gc?.();
      await new Promise((r) => setTimeout(r, 500));
      for (const chunked of [false, true]) {
        const before = await memory(pid);
        // VmHWM is the peak since start; reset it (Linux: write 5 to clear_refs) so it covers this upload only.
        await import("node:fs/promises").then((fs) => fs.writeFile(`/proc/${pid}/clear_refs`, "5")).catch(() => log("could not reset VmHWM; peak includes warm-up"));
        const started = Date.now();
        const answer = await upload(target(chunked ? "big-chunked.bin" : "big.bin"), token, SIZE_MIB, chunked);
        const seconds = (Date.now() - started) / 1000;
        const after = await memory(pid);
        const stored = JSON.parse(answer.body) as { size: number; sha256: string };
        if (answer.status !== 201 || stored.sha256 !== answer.sha256 || stored.size !== SIZE_MIB * MIB) {
          throw new Error(`upload failed or hashed wrongly: ${answer.status} ${answer.body}`);
        }
        log(
          `${SIZE_MIB} MiB ${chunked ? "chunked (no Content-Length)" : "with Content-Length"}: ${answer.status}, sha256 matches, ` +
            `${(SIZE_MIB / seconds).toFixed(0)} MiB/s; server RSS before ${(before.rss / MIB).toFixed(1)} MiB, ` +
            `peak during ${(after.hwm / MIB).toFixed(1)} MiB: +${((after.hwm - before.rss) / MIB).toFixed(1)} MiB`,
        );
      }
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
