// The benchmark's yardstick: plain Node `http` + `pg`, one indexed SELECT by
// key hash per request, no validation logic, no signing. Prints "listening <port>".
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const hmacKey = Buffer.from(process.env.BENCH_HMAC_KEY ?? "", "base64");

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    try {
      const { key } = JSON.parse(Buffer.concat(chunks).toString());
      const hash = createHmac("sha256", hmacKey).update(String(key).trim().toUpperCase()).digest("hex");
      const { rows } = await pool.query({ name: "by-hash", text: "SELECT id, status, expires_at FROM licenses WHERE key_hash = $1", values: [hash] });
      const body = JSON.stringify({ valid: rows.length > 0, license: rows[0] ?? null });
      res.writeHead(200, { "Content-Type": "application/json" }).end(body);
    } catch {
      res.writeHead(400).end();
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => void pool.end().finally(() => process.exit(0)));
