// Pages (everything Next serves) while the database is silently unreachable:
// 503 with Retry-After, whether the page was rendering when the network went
// away or asked afterwards; static assets are still served; recovery without a
// restart. A stand-in for Next renders a "page" with one Prisma query.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDatabase, databaseUnreachable, prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { startTcpProxy, type TcpProxy } from "../test/tcp-proxy";
import { answerIfDatabaseUnreachable } from "./database-unavailable";

const database = setupTestDatabase();
let proxy: TcpProxy;
let server: http.Server;
let base: string;

beforeAll(async () => {
  const url = new URL(database.url);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  await closeDatabase();
  process.env.DATABASE_URL = url.toString();
  process.env.DATABASE_CONNECT_TIMEOUT_MS = "30000";
  server = http.createServer((req, res) => {
    if (answerIfDatabaseUnreachable(req, res)) return;
    if (req.url!.startsWith("/_next/static/")) return void res.writeHead(200).end("asset");
    prisma()
      .user.count()
      .then(
        (n) => res.writeHead(200, { "Content-Type": "text/html" }).end(`<p>${n} users</p>`),
        () => res.writeHead(500, { "Content-Type": "text/html" }).end("<p>error</p>"),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeDatabase();
  await proxy.close();
});

it("answers 503 with Retry-After for pages while the database is unreachable, and serves them again after", async () => {
  expect((await fetch(`${base}/admin`)).status).toBe(200);
  proxy.blackHole();

  const rendering = await fetch(`${base}/admin`, { headers: { accept: "text/html" } });
  expect(rendering.status).toBe(503);
  expect(rendering.headers.get("retry-after")).toBe("5");
  expect(databaseUnreachable()).toBe(true);

  const started = Date.now();
  const later = await fetch(`${base}/account`, { headers: { accept: "text/html" } });
  console.log(`page asked while the circuit is open: 503 in ${Date.now() - started} ms`);
  expect(later.status).toBe(503);
  expect(later.headers.get("retry-after")).toBe("5");
  expect(await later.text()).toContain("Temporarily unavailable");
  const json = await fetch(`${base}/api/checkout/status`);
  expect(json.status).toBe(503);
  expect(await json.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });
  expect((await fetch(`${base}/_next/static/chunk.js`)).status).toBe(200);

  proxy.restore();
  let status = 0;
  for (let i = 0; i < 100 && status !== 200; i++) {
    status = (await fetch(`${base}/admin`)).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toBe(200);
}, 60_000);
