// Usage counters through the job engine, against real PostgreSQL and real
// pg-boss engines: what an instance hands off is counted once a worker of any
// instance runs its job, exactly once with two instances (and duplicate jobs)
// on one database, and a hand-off made while no engine ran waits for one.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { enqueueJob } from "../jobs/outbox";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { createLicense } from "../test/licenses";
import { applyUsageBatches, USAGE_QUEUE, UsageRecorder } from "./usage-recorder";

setupTestDatabase();
const jobs = setupTestJobs();

const sql = async (text: string, values: unknown[] = []) => (await db().query(text, values)).rows;
const count = async (text: string, values: unknown[] = []) => Number((await sql(text, values))[0].n);

/** Resolves once no batch, outbox row or unfinished usage.apply job is left. */
async function settled(timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const left =
      (await count(`SELECT count(*)::int AS n FROM usage_batches`)) +
      (await count(`SELECT count(*)::int AS n FROM job_outbox WHERE name = $1`, [USAGE_QUEUE])) +
      (await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [USAGE_QUEUE]));
    if (left === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`usage not applied: ${left} batches, outbox rows or jobs left`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function countsOf(licenseIds: string[]) {
  return sql(
    `SELECT license_id::text AS license, to_char(day, 'YYYY-MM-DD') AS day, validations, activations, failures
     FROM usage_daily WHERE license_id = ANY($1::uuid[]) ORDER BY license_id, day`,
    [licenseIds],
  );
}

describe("usage through the job engine", () => {
  it("a batch that cannot be applied stays for the next run and holds up none of the others", async () => {
    const { license } = await createLicense();
    // Unreadable (not a date): this batch fails until someone repairs it.
    const [bad] = await sql(`INSERT INTO usage_batches (data, created_at) VALUES ($1::jsonb, now() - interval '1 hour') RETURNING id::text`, [
      JSON.stringify({ counters: [[license.id, "not-a-day", 1, 0, 0]], licenseSeen: [], machineSeen: [], events: [] }),
    ]);
    const instance = new UsageRecorder();
    instance.record({ licenseId: license.id, endpoint: "validate", code: "VALID", valid: true, at: new Date("2031-09-09T09:00:00Z") });
    await instance.flush();
    // No engine runs yet (this test comes first): the job's work, run here directly.
    await expect(applyUsageBatches()).rejects.toThrow(/date/);
    expect(await countsOf([license.id])).toEqual([{ license: license.id, day: "2031-09-09", validations: 1, activations: 0, failures: 0 }]);
    expect(await sql(`SELECT id::text FROM usage_batches`)).toEqual([{ id: bad.id }]);
    await expect(applyUsageBatches()).rejects.toThrow(/date/);
    // Repaired (here: removed) by hand; the good batch's job, drained when an engine starts, then finds nothing left.
    await sql(`DELETE FROM usage_batches WHERE id = $1`, [bad.id]);
    expect(await applyUsageBatches()).toBe(0);
  }, 60_000);

  it("a hand-off made while no engine runs waits in the database and is counted once an engine starts", async () => {
    const { license } = await createLicense();
    const instance = new UsageRecorder();
    const at = new Date("2031-07-01T10:00:00Z");
    instance.record({ licenseId: license.id, endpoint: "validate", code: "VALID", valid: true, at });
    instance.record({ licenseId: license.id, endpoint: "validate", code: "EXPIRED", valid: false, at });
    instance.record({ licenseId: license.id, endpoint: "activate", code: "VALID", valid: true, activated: true, at });
    await instance.flush();
    // Committed with its job, not yet counted: no engine runs. (The first test's job row waits too.)
    expect(await count(`SELECT count(*)::int AS n FROM usage_batches`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM job_outbox WHERE name = $1`, [USAGE_QUEUE])).toBe(2);
    expect(await countsOf([license.id])).toEqual([]);

    await jobs.start();
    await settled();
    expect(await countsOf([license.id])).toEqual([{ license: license.id, day: "2031-07-01", validations: 2, activations: 1, failures: 1 }]);
    expect(await count(`SELECT count(*)::int AS n FROM validation_events WHERE license_id = $1`, [license.id])).toBe(3);
    expect(await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed' AND data ? 'batchId'`, [USAGE_QUEUE])).toBe(2);
  }, 90_000);

  it("two instances on one database, handing off at once with duplicate jobs: every answer is counted exactly once", async () => {
    // Two engines (the first test started one), as two app instances run them.
    await jobs.start();
    const licenses = await Promise.all([createLicense(), createLicense(), createLicense()]);
    const ids = licenses.map((l) => l.license.id);
    const instances = [new UsageRecorder(), new UsageRecorder()];
    const expected = new Map<string, { validations: number; activations: number; failures: number }>();
    const ROUNDS = 6;
    let handedOff = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [n, instance] of instances.entries()) {
        // Two UTC days, so a batch holds several counter rows per license.
        for (let i = 0; i < 7 + n; i++) {
          const licenseId = ids[(round + i) % ids.length]!;
          const day = i % 2 === 0 ? "2031-08-01" : "2031-08-02";
          const valid = i % 3 !== 0;
          const activated = i % 5 === 0;
          // A machine of its own per answer: none repeats the one before it, so every answer is listed too.
          const fingerprint = `fp-${round}-${n}-${i}`;
          instance.record({ licenseId, endpoint: activated ? "activate" : "validate", code: valid ? "VALID" : "NO_MACHINE", valid, activated, fingerprint, at: new Date(`${day}T12:00:00Z`) });
          const key = `${licenseId}|${day}`;
          const c = expected.get(key) ?? { validations: 0, activations: 0, failures: 0 };
          if (activated) c.activations++;
          else c.validations++;
          if (!valid) c.failures++;
          expected.set(key, c);
        }
      }
      // Both instances hand off at the same moment.
      await Promise.all(instances.map((instance) => instance.flush()));
      handedOff += 2;
      // A job run twice (a retry after a worker died past its commit, an outbox row drained twice): nothing counts twice.
      await enqueueJob(db(), USAGE_QUEUE, { batchId: "duplicate" });
    }
    await settled();

    const want = [...expected]
      .map(([key, c]) => {
        const [license, day] = key.split("|") as [string, string];
        return { license, day, ...c };
      })
      .sort((a, b) => (a.license === b.license ? a.day.localeCompare(b.day) : a.license < b.license ? -1 : 1));
    expect(await countsOf(ids)).toEqual(want);
    const answers = [...expected.values()].reduce((sum, c) => sum + c.validations + c.activations, 0);
    expect(await count(`SELECT count(*)::int AS n FROM validation_events WHERE license_id = ANY($1::uuid[])`, [ids])).toBe(answers);
    // Every hand-off's job, and every duplicate, ran through the engine and completed.
    // (Plus the two jobs of the tests before.)
    expect(await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed' AND data ? 'batchId'`, [USAGE_QUEUE])).toBe(
      2 + handedOff + ROUNDS,
    );
  }, 120_000);
});
