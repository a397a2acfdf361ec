// The operations surface of a running server process: X-Request-Id, the
// request id and no secrets on its log lines, /metrics (auth, content, bounded
// labels, METRICS_PORT) and /api/ready. A real server process on a real database.
import { randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../db/embedded";
import { createLicense } from "../test/licenses";
import { createTestDatabase, dropTestDatabase, setupTestDatabase, type TestDatabase } from "../test/database";
import { spawnApiServer, type SpawnedServer } from "../test/spawn-api-server";

const db = setupTestDatabase();
const ADMIN_TOKEN = `admin-${randomBytes(8).toString("hex")}`;
const METRICS_TOKEN = `metrics-${randomBytes(8).toString("hex")}`;
let api: SpawnedServer;
let output = "";
let key: string;

function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    RATE_LIMIT_PER_MINUTE: "0",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    REDIS_URL: "",
    METRICS_PORT: "",
    METRICS_TOKEN: "",
    ...extra,
  };
}

/** The server's JSON log lines so far. */
function logLines(): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  ({ key } = await createLicense({ maxMachines: 2 }));
  api = await spawnApiServer(serverEnv({ METRICS_TOKEN }));
  api.process.stdout!.on("data", (c: Buffer) => (output += c.toString()));
});

afterAll(async () => {
  await api?.stop();
});

describe("request ids", () => {
  it("answers every request with a new X-Request-Id, and keeps a caller's well-formed one", async () => {
    const a = await post("/api/v1/licenses/validate", { key });
    const b = await post("/api/v1/licenses/validate", { key });
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get("x-request-id")).not.toBe(a.headers.get("x-request-id"));

    const mine = await post("/api/v1/licenses/validate", { key }, { "X-Request-Id": "client-trace-42" });
    expect(mine.headers.get("x-request-id")).toBe("client-trace-42");
    const forged = await post("/api/v1/licenses/validate", { key }, { "X-Request-Id": 'x" injected' });
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    // Errors, 404s and the admin API carry one too.
    expect((await post("/api/v1/licenses/nope", {})).headers.get("x-request-id")).toBeTruthy();
    expect((await fetch(`${api.url}/api/v1/admin/licenses`)).headers.get("x-request-id")).toBeTruthy();
  });

  it("logs each request as one JSON line carrying its id, without the key or tokens it carried", async () => {
    const id = `trace-${randomBytes(6).toString("hex")}`;
    await post("/api/v1/licenses/activate", { key, fingerprint: "fp-log-test" }, { "X-Request-Id": id });
    await fetch(`${api.url}/api/v1/admin/licenses?email=someone%40example.com`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, cookie: "authjs.session-token=abc", "x-request-id": `${id}-admin` },
    });
    await expect.poll(() => logLines().filter((l) => l.requestId === id).length).toBeGreaterThan(0);
    await expect.poll(() => logLines().filter((l) => l.requestId === `${id}-admin`).length).toBeGreaterThan(0);
    const line = logLines().find((l) => l.requestId === id)!;
    expect(line).toMatchObject({ level: "info", msg: "request completed", method: "POST", path: "/api/v1/licenses/activate", route: "/api/v1/licenses/activate", status: 201 });
    expect(typeof line.ms).toBe("number");
    expect(line.time).toEqual(expect.any(String));
    expect(logLines().find((l) => l.requestId === `${id}-admin`)).toMatchObject({ path: "/api/v1/admin/licenses", status: 200 });
    for (const secret of [key, key.toLowerCase(), ADMIN_TOKEN, "authjs.session-token", "someone@example.com"]) {
      expect(output).not.toContain(secret);
    }
  });

  it("logs a request for an unknown endpoint with its id, under its mount's route", async () => {
    const res = await post("/api/v1/licenses/nope", {}, { "X-Request-Id": "missing-route-1" });
    expect(res.status).toBe(404);
    await expect.poll(() => logLines().find((l) => l.requestId === "missing-route-1")).toMatchObject({ status: 404, route: "/api/v1/licenses/*" });
  });
});

describe("GET /metrics", () => {
  const scrape = (headers: Record<string, string> = {}, base = api.url) => fetch(`${base}/metrics`, { headers });

  it("refuses a missing or wrong token with 401", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer wrong" }, { authorization: METRICS_TOKEN }]) {
      const res = await scrape(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(await res.text()).not.toContain("http_requests_total");
    }
  });

  it("answers METRICS_TOKEN and admin API tokens in Prometheus' text format", async () => {
    for (const token of [METRICS_TOKEN, ADMIN_TOKEN]) {
      const res = await scrape({ authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    }
  });

  it("counts requests by route and status, license API latency and results by endpoint and code, and the pools", async () => {
    const { key: suspended } = await createLicense({ status: "SUSPENDED" });
    const { key: twoSeats } = await createLicense({ maxMachines: 2 });
    await post("/api/v1/licenses/validate", { key });
    await post("/api/v1/licenses/validate", { key: suspended });
    await post("/api/v1/licenses/validate", { key: "not a key" });
    await post("/api/v1/licenses/validate", "[]");
    await post("/api/v1/licenses/activate", { key: twoSeats, fingerprint: "fp-metrics-1" });
    await post("/api/v1/licenses/activate", { key: twoSeats, fingerprint: "fp-metrics-2" });
    await post("/api/v1/licenses/activate", { key: twoSeats, fingerprint: "fp-metrics-3" }); // third machine of two
    const text = await (await scrape({ authorization: `Bearer ${METRICS_TOKEN}` })).text();

    expect(text).toMatch(/^http_requests_total\{route="\/api\/v1\/licenses\/validate",method="POST",status="200"\} \d+$/m);
    expect(text).toMatch(/^http_requests_total\{route="\/api\/v1\/licenses\/activate",method="POST",status="403"\} 1$/m);
    expect(text).toMatch(/^license_api_request_duration_seconds_bucket\{le="0\.005",endpoint="\/api\/v1\/licenses\/validate",code="VALID"\} \d+$/m);
    expect(text).toMatch(/^license_api_request_duration_seconds_count\{endpoint="\/api\/v1\/licenses\/validate",code="SUSPENDED"\} 1$/m);
    expect(text).toMatch(/^license_api_results_total\{endpoint="\/api\/v1\/licenses\/validate",code="NOT_FOUND"\} 1$/m);
    expect(text).toMatch(/^license_api_results_total\{endpoint="\/api\/v1\/licenses\/validate",code="BAD_REQUEST"\} 1$/m);
    expect(text).toMatch(/^license_api_results_total\{endpoint="\/api\/v1\/licenses\/activate",code="TOO_MANY_MACHINES"\} 1$/m);
    expect(text).toMatch(/^db_pool_connections\{pool="pg"\} [1-9]\d*$/m);
    expect(text).toMatch(/^db_pool_idle_connections\{pool="pg"\} \d+$/m);
    expect(text).toMatch(/^db_pool_waiting_requests\{pool="pg"\} 0$/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
  });

  it("keeps label values bounded: ids, keys and made-up paths never become routes", async () => {
    for (let i = 0; i < 5; i++) {
      await fetch(`${api.url}/api/v1/admin/licenses/${randomBytes(6).toString("hex")}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      await fetch(`${api.url}/api/v1/admin/${randomBytes(6).toString("hex")}`);
      await post(`/api/v1/licenses/${randomBytes(6).toString("hex")}`, {});
      await fetch(`${api.url}/${randomBytes(6).toString("hex")}`);
    }
    await fetch(`${api.url}/api/v1/admin/licenses/${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await (await scrape({ authorization: `Bearer ${METRICS_TOKEN}` })).text();
    const routes = new Set([...text.matchAll(/^http_requests_total\{route="([^"]*)"/gm)].map((m) => m[1]));
    expect([...routes].sort()).toEqual(
      ["/api/v1/admin/*", "/api/v1/admin/licenses", "/api/v1/licenses/*", "/api/v1/licenses/activate", "/api/v1/licenses/validate", "/metrics", "unmatched"].sort(),
    );
    expect(text).not.toContain(key);
  });

  it("moves to METRICS_PORT when set: open there unless METRICS_TOKEN is set, gone from the main port", async () => {
    for (const token of ["", METRICS_TOKEN]) {
      const port = await freePort();
      const other = await spawnApiServer(serverEnv({ METRICS_PORT: String(port), METRICS_TOKEN: token }));
      try {
        await fetch(`${other.url}/api/v1/licenses/validate`, { method: "POST", body: JSON.stringify({ key }) });
        const main = await scrape({ authorization: `Bearer ${ADMIN_TOKEN}` }, other.url);
        expect(main.status).toBe(404);
        const separate = `http://127.0.0.1:${port}`;
        if (token) {
          expect((await scrape({}, separate)).status).toBe(401);
          expect((await scrape({ authorization: `Bearer ${token}` }, separate)).status).toBe(200);
        } else {
          const open = await scrape({}, separate);
          expect(open.status).toBe(200);
          expect(await open.text()).toMatch(/^license_api_results_total\{endpoint="\/api\/v1\/licenses\/validate",code="VALID"\} 1$/m);
        }
        expect((await fetch(`${separate}/api/v1/licenses/validate`)).status).toBe(404);
      } finally {
        await other.stop();
      }
    }
  }, 90_000);
});

describe("GET /api/ready", () => {
  it("answers 200 with every check when migrated and the database answers", async () => {
    const res = await fetch(`${api.url}/api/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, checks: { database: "up", migrations: "applied", redis: "skipped", shutdown: "no" } });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 503 while migrations have not run", async () => {
    let empty: TestDatabase | undefined;
    let other: SpawnedServer | undefined;
    try {
      empty = await createTestDatabase({ empty: true });
      other = await spawnApiServer(serverEnv({ DATABASE_URL: empty.url }));
      const res = await fetch(`${other.url}/api/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ ready: false, checks: { database: "up", migrations: "pending" } });
    } finally {
      await other?.stop();
      if (empty) await dropTestDatabase(empty);
    }
  });

  it("answers 503 without waiting out a connection timeout when the database does not answer, and when Redis does not", async () => {
    // A port that accepts connections and never answers: a black hole, not a refusal. It keeps
    // the connections it holds, so the test can see that an attempt is still waiting.
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      held.add(socket);
      socket.on("close", () => held.delete(socket));
      socket.on("error", () => {});
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const closedPort = await freePort();
    // The black-hole database's connection attempt may wait 10 minutes: a 503 at all (within the
    // test's budget) shows the check gave up by itself, and the connection still held by the black
    // hole when it arrives shows the attempt was still waiting, not timed out. No wall-clock bound:
    // on a loaded machine a second proves nothing.
    const cases: [Record<string, string>, object, "black hole" | "refused"][] = [
      [{ DATABASE_URL: `postgresql://postgres@127.0.0.1:${silentPort}/x`, DATABASE_CONNECT_TIMEOUT_MS: "600000" }, { database: "down" }, "black hole"],
      [{ DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/x` }, { database: "down" }, "refused"],
      [{ REDIS_URL: `redis://127.0.0.1:${silentPort}` }, { database: "up", migrations: "applied", redis: "down" }, "black hole"],
      [{ REDIS_URL: `redis://127.0.0.1:${closedPort}` }, { database: "up", migrations: "applied", redis: "down" }, "refused"],
    ];
    try {
      for (const [env, checks, kind] of cases) {
        const other = await spawnApiServer(serverEnv(env));
        try {
          const res = await fetch(`${other.url}/api/ready`);
          if (kind === "black hole") expect(held.size).toBeGreaterThan(0);
          expect(res.status).toBe(503);
          expect(res.headers.get("retry-after")).toBe("5");
          expect((await res.json()).checks).toMatchObject(checks);
          // Liveness is another question: the process is fine.
        } finally {
          await other.stop();
          // The next case counts only its own connections.
          for (const socket of held) socket.destroy();
          held.clear();
        }
      }
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  }, 120_000);

  it("counts Redis in when REDIS_URL is set and it answers", async () => {
    const other = await spawnApiServer(serverEnv({ REDIS_URL: "redis://127.0.0.1:6379/0" }));
    try {
      await expect.poll(async () => (await fetch(`${other.url}/api/ready`)).status).toBe(200);
      expect((await (await fetch(`${other.url}/api/ready`)).json()).checks.redis).toBe("up");
    } finally {
      await other.stop();
    }
  });
});

// Last in the file: these requests add route labels that the /metrics test above lists exactly.
describe("capability links in the access log", () => {
  it("logs download and gift links without their tokens: each lets its holder fetch the file or claim the license", async () => {
    const download = `${randomBytes(30).toString("base64url")}.${randomBytes(32).toString("base64url")}`;
    const gift = randomBytes(32).toString("base64url");
    await fetch(`${api.url}/api/v1/downloads/${download}`, { headers: { "x-request-id": "capability-1" } });
    await fetch(`${api.url}/account/gifts/${gift}`, { headers: { "x-request-id": "capability-2" } });
    await expect.poll(() => logLines().find((l) => l.requestId === "capability-1")).toMatchObject({ path: "/api/v1/downloads/[redacted]" });
    await expect.poll(() => logLines().find((l) => l.requestId === "capability-2")).toMatchObject({ path: "/account/gifts/[redacted]" });
    for (const secret of [download, download.split(".")[1]!, gift]) expect(output).not.toContain(secret);
  });
});
