// The validate cache kept exact by LISTEN/NOTIFY: in one process, across two
// server processes on one database, and while the listening connection is
// killed (pg_terminate_backend). Changes are made the way an operator or
// another instance would: on other connections, behind the caches' backs.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeListener } from "../db/client";
import { LISTENER_APPLICATION_NAME } from "../db/change-listener";
import { metrics } from "../metrics/registry";
import { call } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { spawnApiServer, type SpawnedServer } from "../test/spawn-api-server";

process.env.RATE_LIMIT_PER_MINUTE = "0";
const database = setupTestDatabase();

/** A connection of its own, like another instance's or psql's. */
let other: pg.Client;
beforeAll(async () => {
  other = new pg.Client({ connectionString: database.url });
  await other.connect();
});
afterAll(() => other.end());

async function lookups(): Promise<Record<string, number>> {
  const { values } = await metrics().registry.getSingleMetric("license_cache_lookups_total")!.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.result), v.value]));
}

async function untilListening(): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!changeListener().listening) {
    if (Date.now() > deadline) throw new Error("the change listener did not connect");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the triggers", () => {
  it("announce a change of every license and machine column the validate read uses", async () => {
    const source = readFileSync(new URL("./store.ts", import.meta.url), "utf8");
    const read = (alias: string) => new Set([...source.matchAll(new RegExp(`\\b${alias}\\.([a-z_]+)`, "g"))].map((m) => m[1]!));
    const definition = async (fn: string) => (await other.query<{ def: string }>("SELECT pg_get_functiondef($1::regproc) AS def", [fn])).rows[0]!.def;
    const licenses = await definition("licenses_changed");
    const machines = await definition("machines_changed");
    // id: the row's identity (never changes); machines' last_seen_at: no answer reads it (decision.ts machineBody).
    // The functions compare the listed columns of new_rows against old_rows (EXCEPT): each read column must be listed.
    const compared = (def: string, c: string) => new RegExp(`SELECT[^;]*\\b${c}\\b[^;]*FROM new_rows`).test(def);
    const unannounced = [
      ...[...read("l")].filter((c) => c !== "id" && !compared(licenses, c)).map((c) => `licenses.${c}`),
      ...[...read("m")].filter((c) => !["id", "last_seen_at"].includes(c) && !compared(machines, c)).map((c) => `machines.${c}`),
    ];
    expect(read("l").size).toBeGreaterThan(5);
    expect(unannounced).toEqual([]);
  });
});

describe("in one process", () => {
  it("answers repeated validations from the cache, and the very next one after any committed change sees it", async () => {
    const { key, license } = await createLicense({ maxMachines: 2 });
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp-1" });
    await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" });
    await untilListening();
    await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" }); // fills the cache
    const before = await lookups();
    for (let i = 0; i < 5; i++) expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code).toBe("VALID");
    expect((await lookups()).hit! - (before.hit ?? 0)).toBe(5);

    // Each change is committed on another connection and followed at once by a validation: no waiting.
    const steps: [string, unknown[], string][] = [
      ["UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id], "SUSPENDED"],
      ["UPDATE licenses SET status = 'ACTIVE' WHERE id = $1", [license.id], "VALID"],
      ["UPDATE licenses SET expires_at = now() - interval '1 day' WHERE id = $1", [license.id], "EXPIRED"],
      ["UPDATE licenses SET expires_at = NULL WHERE id = $1", [license.id], "VALID"],
      ["UPDATE machines SET deactivated_at = now() WHERE license_id = $1", [license.id], "NO_MACHINE"],
      ["UPDATE machines SET deactivated_at = NULL WHERE license_id = $1", [license.id], "VALID"],
      ["UPDATE licenses SET max_machines = 0 WHERE id = $1", [license.id], "TOO_MANY_MACHINES"],
      ["UPDATE licenses SET max_machines = NULL WHERE id = $1", [license.id], "VALID"],
      ["UPDATE plans SET max_machines = 0 WHERE id = (SELECT plan_id FROM licenses WHERE id = $1)", [license.id], "TOO_MANY_MACHINES"],
      ["UPDATE plans SET max_machines = 2 WHERE id = (SELECT plan_id FROM licenses WHERE id = $1)", [license.id], "VALID"],
      ["UPDATE licenses SET status = 'REVOKED' WHERE id = $1", [license.id], "REVOKED"],
    ];
    for (let round = 0; round < 10; round++) {
      for (const [sql, values, code] of steps.slice(0, -1)) {
        await other.query(sql, values);
        expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code, sql).toBe(code);
        expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code, sql).toBe(code);
      }
    }
    const [sql, values, code] = steps.at(-1)!;
    await other.query(sql, values);
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code).toBe(code);
  });

  it("keeps an entry while only a machine's last-seen time moves, and answers every request with its own time as lastSeenAt, cached or not", async () => {
    const { key, license } = await createLicense({ maxMachines: 2 });
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp-1" });
    await untilListening();
    await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" }); // fills the cache
    const before = await lookups();
    const answers = async () => [
      (await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json,
      (await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1", entitlements: ["not-granted"] })).json,
    ];
    // What the usage job writes (no notification): long ago, then far ahead; neither reaches an answer.
    for (const stored of ["2020-01-01T00:00:00Z", "2040-01-01T00:00:00Z"]) {
      await other.query("UPDATE machines SET last_seen_at = $2 WHERE license_id = $1", [license.id, stored]);
      const cached = await answers();
      const size = process.env.LICENSE_CACHE_SIZE;
      process.env.LICENSE_CACHE_SIZE = "0"; // the same requests read from the database
      const read = await answers().finally(() => (size === undefined ? delete process.env.LICENSE_CACHE_SIZE : (process.env.LICENSE_CACHE_SIZE = size)));
      for (const answer of [...cached, ...read]) expect(answer.machine.lastSeenAt, stored).toBe(answer.meta.ts);
      expect([...cached, ...read].map((a) => a.code)).toEqual(["VALID", "ENTITLEMENTS_MISSING", "VALID", "ENTITLEMENTS_MISSING"]);
    }
    expect((await lookups()).hit! - (before.hit ?? 0)).toBe(4);
  });

  it("forgets every entry when licenses or machines are truncated (no row trigger fires)", async () => {
    const { key } = await createLicense();
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp-1" });
    await untilListening();
    await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" }); // fills the cache
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code).toBe("VALID");
    await other.query("TRUNCATE machines CASCADE");
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code).toBe("NO_MACHINE");
    await other.query("TRUNCATE licenses CASCADE");
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code).toBe("NOT_FOUND");
  });

  it("hears a committed change, and nothing of a rolled-back one", async () => {
    const { license } = await createLicense();
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    try {
      await listener.query("LISTEN license_changes");
      const heard: string[] = [];
      listener.on("notification", (n) => heard.push(n.payload ?? ""));
      await other.query("BEGIN");
      await other.query("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id]);
      await other.query("ROLLBACK");
      await other.query("UPDATE licenses SET cancel_at_period_end = true WHERE id = $1", [license.id]); // not read by validate
      await other.query("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id]);
      // Wait for the notification instead of a sleep and a "within 100 ms" bound (which failed on a
      // loaded machine). Notifications arrive in commit order, so a rolled-back change that had sent one
      // would be heard first; the fence (a statement on the listening connection, answered after the
      // notifications already queued for it) lets any straggler arrive before the check.
      while (heard.length === 0) await new Promise((r) => setTimeout(r, 10));
      await listener.query("SELECT 1");
      expect(heard).toEqual([license.id]);
    } finally {
      await listener.end();
    }
  });
});

describe("across two server processes, and with the listening connection killed", () => {
  let servers: SpawnedServer[] = [];
  const METRICS_TOKEN = `m-${randomBytes(6).toString("hex")}`;
  beforeAll(async () => {
    const env = {
      DATABASE_URL: database.url,
      RATE_LIMIT_PER_MINUTE: "0",
      METRICS_TOKEN,
      METRICS_PORT: "",
      LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
      LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
      AUTH_SECRET: process.env.AUTH_SECRET ?? "test",
    };
    servers = await Promise.all([spawnApiServer(env), spawnApiServer(env)]);
  }, 60_000);
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  const post = (server: SpawnedServer, path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
      async (r) => ({ status: r.status, json: await r.json() }),
    );
  const validate = (server: SpawnedServer, key: string) => post(server, "/api/v1/licenses/validate", { key, fingerprint: "fp" }).then((r) => r.json.code);
  const serverLookups = async (server: SpawnedServer) => {
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const count = (result: string) => Number(new RegExp(`^license_cache_lookups_total\\{result="${result}"\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
    return { hit: count("hit"), miss: count("miss"), bypass: count("bypass") };
  };
  const listenerPids = async () =>
    (await other.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2", [database.name, LISTENER_APPLICATION_NAME])).rows.map(
      (r) => r.pid,
    );
  async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Validates until the server answers one from its cache. */
  const untilCached = (server: SpawnedServer, key: string) =>
    until("an answer from the cache", async () => {
      const start = (await serverLookups(server)).hit;
      await validate(server, key);
      return (await serverLookups(server)).hit > start;
    });

  it("a change made through one instance is seen by the other's very next validation", async () => {
    const { key, license } = await createLicense({ maxMachines: 1 });
    expect((await post(servers[0]!, "/api/v1/licenses/activate", { key, fingerprint: "fp" })).status).toBe(201);
    // Each instance answers from its cache once its listener is up.
    for (const s of servers) await untilCached(s, key);
    for (let round = 0; round < 5; round++) {
      expect((await post(servers[0]!, "/api/v1/licenses/deactivate", { key, fingerprint: "fp" })).status).toBe(200);
      expect(await validate(servers[1]!, key)).toBe("NO_MACHINE");
      expect(await validate(servers[0]!, key)).toBe("NO_MACHINE");
      expect((await post(servers[1]!, "/api/v1/licenses/activate", { key, fingerprint: "fp" })).status).toBe(201);
      expect(await validate(servers[0]!, key)).toBe("VALID");
      expect(await validate(servers[1]!, key)).toBe("VALID");
    }
    // A change by neither instance (psql, say): the very next validation on each, made right after the
    // commit, answers SUSPENDED. That is the behaviour; the wall-clock bound (< 100 ms) that stood here
    // failed on a loaded machine and proved nothing more. (Whether the answer came through the cache or
    // its bypass is not asserted: a fence unanswered for 300 ms on a loaded machine bypasses it, correctly.)
    await other.query("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id]);
    const codes = await Promise.all(servers.map((s) => validate(s, key)));
    expect(codes).toEqual(["SUSPENDED", "SUSPENDED"]);
  });

  it("while the LISTEN connection is killed the cache is bypassed, and it comes back by itself", async () => {
    const { key, license } = await createLicense({ maxMachines: 1 });
    await post(servers[0]!, "/api/v1/licenses/activate", { key, fingerprint: "fp" });
    for (const s of servers) await validate(s, key);
    const before = await Promise.all(servers.map(serverLookups));

    const pids = await listenerPids();
    const { rows } = await other.query<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM unnest($1::int[]) AS pid", [pids]);
    expect(rows.every((r) => r.ok)).toBe(true);
    // Changes while the listeners are gone are still seen at once: the caches are bypassed.
    await other.query("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id]);
    expect(await Promise.all(servers.map((s) => validate(s, key)))).toEqual(["SUSPENDED", "SUSPENDED"]);
    await other.query("UPDATE licenses SET status = 'ACTIVE' WHERE id = $1", [license.id]);
    expect(await Promise.all(servers.map((s) => validate(s, key)))).toEqual(["VALID", "VALID"]);
    const during = await Promise.all(servers.map(serverLookups));
    during.forEach((d, i) => expect(d.bypass).toBeGreaterThan(before[i]!.bypass));

    // Recovery: new listening connections, and answers from the cache again.
    await until("new listeners", async () => (await listenerPids()).filter((p) => !pids.includes(p)).length >= 2);
    for (const s of servers) await untilCached(s, key);
    await other.query("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id]);
    expect(await Promise.all(servers.map((s) => validate(s, key)))).toEqual(["SUSPENDED", "SUSPENDED"]);
  });
});
