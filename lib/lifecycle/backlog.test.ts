// The lifecycle ticks with many rows already reported, against real PostgreSQL:
// an ACTIVE license past its expiry that nobody renewed, or a dead floating
// machine nobody deactivated, stays in the "due by now" range for good. A tick
// must find the few not yet reported without reading all of those (it runs
// every minute and at every upcoming moment), and record each event once.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { measuringPool } from "../test/query-plan";
import { createEndpoint } from "../webhooks/endpoints";
import { momentsDue, reportDeadMachines, reportExpiries } from "./moments";

setupTestDatabase();

const REPORTED = 3000;
const DUE = 150; // more than one batch of 100

/** The ids of the copies not yet reported. */
let dueLicenses: string[] = [];
let dueMachines: string[] = [];
beforeAll(async () => {
  // Events are recorded for an endpoint that wants them (no worker delivers them here).
  await createEndpoint({ actor: { type: "system" } }, { url: "http://127.0.0.1:9/hook", events: ["license.expired", "machine.heartbeat_dead"] });
  const { license } = await createLicense({ expiresAt: new Date(Date.now() + 86_400_000) });
  const floating = await createLicense({ floating: true, maxMachines: 5 });
  // Copies of a license past their expiry: the REPORTED oldest reported, the DUE newest not.
  dueLicenses = (
    await db().query<{ id: string; due: boolean }>(
      `INSERT INTO licenses (key_hash, key_ciphertext, key_hint, user_id, plan_id, updated_at, expires_at, expired_event_for)
       SELECT 'backlog-' || g, key_ciphertext, key_hint, user_id, plan_id, now(), e, CASE WHEN g <= $2::int THEN e END
       FROM licenses, generate_series(1, $2::int + $3::int) g, LATERAL (SELECT now() - interval '1 day' + g * interval '1 second' AS e) x
       WHERE id = $1 RETURNING id::text, expired_event_for IS NULL AS due`,
      [license.id, REPORTED, DUE],
    )
  ).rows
    .filter((r) => r.due)
    .map((r) => r.id);
  dueMachines = (
    await db().query<{ id: string; due: boolean }>(
      `INSERT INTO machines (license_id, fingerprint, heartbeat_deadline, dead_event_for)
       SELECT $1, 'backlog-' || g, d, CASE WHEN g <= $2::int THEN d END
       FROM generate_series(1, $2::int + $3::int) g, LATERAL (SELECT now() - interval '1 day' + g * interval '1 second' AS d) x
       RETURNING id::text, dead_event_for IS NULL AS due`,
      [floating.license.id, REPORTED, DUE],
    )
  ).rows
    .filter((r) => r.due)
    .map((r) => r.id);
  await db().query("ANALYZE licenses");
  await db().query("ANALYZE machines");
});

describe("lifecycle ticks with thousands of rows already reported", () => {
  it("read about the rows not yet reported, not the ones reported before", async () => {
    const touched: number[] = [];
    await reportExpiries(new Date(), measuringPool(db(), "due", touched, "dry"));
    await reportDeadMachines(new Date(), measuringPool(db(), "due", touched, "dry"));
    expect(touched).toHaveLength(2);
    // Choosing a batch of 100 touches a few hundred rows (scan, lock, joins); reading past the
    // reported rows would be 3,000 more.
    for (const n of touched) expect(n).toBeLessThan(1000);
  });

  it("record each event once, for exactly the rows not yet reported", async () => {
    expect(await momentsDue(new Date())).toBe(true);
    expect(await reportExpiries(new Date())).toBe(DUE);
    expect(await momentsDue(new Date())).toBe(true); // the machines are still due
    expect(await reportDeadMachines(new Date())).toBe(DUE);
    const events = async (type: string, key: string) =>
      (await db().query<{ id: string }>(`SELECT payload->'data'->'${key}'->>'id' AS id FROM webhook_events WHERE type = $1`, [type])).rows.map((r) => r.id).sort();
    expect(dueLicenses).toHaveLength(DUE);
    expect(await events("license.expired", "license")).toEqual([...dueLicenses].sort());
    expect(dueMachines).toHaveLength(DUE);
    expect(await events("machine.heartbeat_dead", "machine")).toEqual([...dueMachines].sort());
    expect(await reportExpiries(new Date())).toBe(0);
    expect(await reportDeadMachines(new Date())).toBe(0);
    expect(await momentsDue(new Date())).toBe(false);
  });
});
