// Concurrent license reads are answered by one query, each with its own
// license, and nothing is cached between turns.
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { keyHash } from "./service";
import { findLicense } from "./license-lookup";

setupTestDatabase();

/** The shared pool, counting the statements sent through it. */
function countingPool(): { pool: pg.Pool; queries: () => number } {
  let n = 0;
  const real = db();
  const pool = new Proxy(real, {
    get(target, prop) {
      if (prop === "query") return (...args: Parameters<pg.Pool["query"]>) => (n++, (target.query as (...a: unknown[]) => unknown)(...args));
      return Reflect.get(target, prop);
    },
  });
  return { pool, queries: () => n };
}

describe("findLicense", () => {
  it("answers reads issued in the same turn with one query, each with its own license and machines", async () => {
    const a = await createLicense({ maxMachines: 3 });
    const b = await createLicense({ maxMachines: 1 });
    await db().query("INSERT INTO machines (license_id, fingerprint) VALUES ($1, 'a-1'), ($1, 'a-2'), ($2, 'b-1')", [a.license.id, b.license.id]);
    const { pool, queries } = countingPool();

    const [ra, rb, rUnknown, raAgain] = await Promise.all([
      findLicense(pool, keyHash(a.key)),
      findLicense(pool, keyHash(b.key)),
      findLicense(pool, keyHash("ZP-AAAAA-AAAAA-AAAAA-AAAAA")),
      findLicense(pool, keyHash(a.key)),
    ]);

    expect(queries()).toBe(1);
    expect(ra?.license.id).toBe(a.license.id);
    expect(ra?.machines.map((m) => m.fingerprint).sort()).toEqual(["a-1", "a-2"]);
    expect(rb?.license.id).toBe(b.license.id);
    expect(rb?.machines.map((m) => m.fingerprint)).toEqual(["b-1"]);
    expect(rUnknown).toBeNull();
    expect(raAgain).toEqual(ra);
  });

  it("gathers reads started by separate callbacks of one event-loop turn, as requests on different sockets are", async () => {
    const a = await createLicense();
    const b = await createLicense();
    const { pool, queries } = countingPool();
    // Two immediates queued in one turn run in one check phase, each its own callback (as two sockets'
    // reads in one poll phase). Timers were used first, but on a loaded machine two 0 ms timers can fall
    // in different turns, and the test failed for the machine's sake, not the code's.
    const started = [a, b].map(
      ({ key }) => new Promise<Awaited<ReturnType<typeof findLicense>>>((resolve) => setImmediate(() => resolve(findLicense(pool, keyHash(key))))),
    );
    const [ra, rb] = await Promise.all(started);
    expect(queries()).toBe(1);
    expect([ra?.license.id, rb?.license.id]).toEqual([a.license.id, b.license.id]);
  });

  it("splits a large burst into queries of at most 64 keys", async () => {
    const { key, license } = await createLicense();
    const { pool, queries } = countingPool();
    const found = await Promise.all(Array.from({ length: 150 }, () => findLicense(pool, keyHash(key))));
    expect(queries()).toBe(3);
    expect(found.every((f) => f?.license.id === license.id)).toBe(true);
  });

  it("reads afresh each time: a change committed between two reads is seen by the second", async () => {
    const { key, license } = await createLicense({ maxMachines: 2 });
    expect((await findLicense(db(), keyHash(key)))?.license.status).toBe("ACTIVE");
    await db().query("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [license.id]);
    await db().query("INSERT INTO machines (license_id, fingerprint) VALUES ($1, 'late')", [license.id]);
    const after = await findLicense(db(), keyHash(key));
    expect(after?.license.status).toBe("SUSPENDED");
    expect(after?.machines.map((m) => m.fingerprint)).toEqual(["late"]);
  });

  it("rejects every read of a failed batch with the database's error", async () => {
    const broken = new Proxy(db(), {
      get: (target, prop) => (prop === "query" ? () => Promise.reject(new Error("connection refused")) : Reflect.get(target, prop)),
    });
    const results = await Promise.allSettled([findLicense(broken, "a"), findLicense(broken, "b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(results.map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(["connection refused", "connection refused"]);
  });
});
