/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON, checked field by field */
// API.md "Seats after a change", end to end: a change of seats, plan or floating
// mode through the admin API or the console, then what the license API answers.
import { beforeAll, describe, expect, it } from "vitest";
import { handleAdminApi } from "../admin-api/handlers";
import { changeLicensePlan, changeLicenseSeats } from "../admin/license-changes";
import { updatePlan } from "../admin/plans";
import { consoleAdmin } from "../admin/test-kit";
import type { ConsoleAdmin } from "../admin/guard";
import { db } from "../db/client";
import type { ApiRequest } from "../http/types";
import { call } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { createLicense, createPlan } from "../test/licenses";

process.env.RATE_LIMIT_PER_MINUTE = "0";
process.env.ADMIN_API_TOKEN = "test-admin-token";
setupTestDatabase();

async function patch(id: string, body: unknown) {
  const req: ApiRequest = {
    method: "PATCH",
    path: `/api/v1/admin/licenses/${id}`,
    query: new URLSearchParams(),
    host: "portal.test",
    ip: "203.0.113.7",
    headers: { "content-type": "application/json", authorization: "Bearer test-admin-token" },
    body: Buffer.from(JSON.stringify(body)),
  };
  const res = await handleAdminApi(req);
  return { status: res.status, json: JSON.parse(res.body.toString("utf8")) as any };
}

const validate = async (key: string, fingerprint: string) => (await call("/api/v1/licenses/validate", { key, fingerprint })).json;
const activate = (key: string, fingerprint: string) => call("/api/v1/licenses/activate", { key, fingerprint });
/** Moves every heartbeat deadline of the license `seconds` into the past: as if that much time went by. */
const elapse = (licenseId: string, seconds: number) =>
  db().query(`UPDATE machines SET heartbeat_deadline = heartbeat_deadline - make_interval(secs => $2) WHERE license_id = $1`, [licenseId, seconds]);

let admin: ConsoleAdmin;
beforeAll(async () => {
  admin = await consoleAdmin();
});

describe("moving a license to a floating plan (the issue's input)", () => {
  it("gives A and B deadlines from the move; 13 s without heartbeats later they are dead and C gets a seat", async () => {
    const { key, license } = await createLicense({ maxMachines: 2 });
    expect((await activate(key, "A")).status).toBe(201);
    expect((await activate(key, "B")).status).toBe(201);
    const floating = await createPlan({ maxMachines: 2, floating: true, heartbeatSeconds: 10 });

    const before = Date.now();
    const res = await patch(license.id, { plan: floating.slug });
    expect(res.status).toBe(200);
    for (const m of res.json.machines) {
      const deadline = new Date(m.heartbeatDeadline).getTime();
      expect(deadline).toBeGreaterThanOrEqual(before + 10_000 - 5);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 10_000);
    }
    expect((await validate(key, "A")).machine.heartbeatDeadline).not.toBeNull();

    await elapse(license.id, 13);
    expect((await validate(key, "A")).code).toBe("HEARTBEAT_DEAD");
    const c = await activate(key, "C");
    expect(c.status).toBe(201);
    expect(c.json).toMatchObject({ code: "VALID", license: { activeMachines: 1, floating: true } });
  });

  it("does the same from the console's plan change, and when the plan itself becomes floating", async () => {
    const { key, license, plan } = await createLicense({ maxMachines: 2 });
    await activate(key, "A");
    const floating = await createPlan({ maxMachines: 2, floating: true, heartbeatSeconds: 10 });
    await changeLicensePlan(admin, { licenseId: license.id, planId: floating.id }, null);
    await elapse(license.id, 13);
    expect((await validate(key, "A")).code).toBe("HEARTBEAT_DEAD");

    // A plan edited to floating: every license on it.
    const other = await createLicense({ maxMachines: 2 });
    await activate(other.key, "X");
    await updatePlan(
      admin,
      { planId: other.plan.id, name: other.plan.name, maxMachines: 2, entitlements: [], floating: true, heartbeatSeconds: 10 } as any,
      null,
    );
    expect((await validate(other.key, "X")).machine.heartbeatDeadline).not.toBeNull();
    await elapse(other.license.id, 13);
    expect((await validate(other.key, "X")).code).toBe("HEARTBEAT_DEAD");
    expect(plan.floating).toBe(false);
  });
});

describe("moving a license off a floating plan", () => {
  it("keeps machines whose deadline had passed inactive, and the live ones keep their seats without deadlines", async () => {
    const { key, license } = await createLicense({ maxMachines: 2, floating: true, heartbeatSeconds: 10 });
    await activate(key, "dead");
    await elapse(license.id, 20);
    await activate(key, "alive");
    expect((await validate(key, "dead")).code).toBe("HEARTBEAT_DEAD");
    const locked = await createPlan({ maxMachines: 2 });
    expect((await patch(license.id, { plan: locked.slug })).status).toBe(200);
    expect((await validate(key, "dead")).code).toBe("MACHINE_MISMATCH");
    const alive = await validate(key, "alive");
    expect(alive).toMatchObject({ code: "VALID", machine: { heartbeatDeadline: null }, license: { activeMachines: 1, floating: false } });
    // The dead machine can come back when a seat is free.
    expect((await activate(key, "dead")).status).toBe(201);
  });
});

describe("fewer seats than machines", () => {
  it("keeps the oldest machines' seats; the rest answer TOO_MANY_MACHINES, stay listed, and get a seat when one frees", async () => {
    const { key, license } = await createLicense({ maxMachines: 3 });
    for (const fp of ["A", "B", "C"]) expect((await activate(key, fp)).status).toBe(201);
    const res = await patch(license.id, { maxMachines: 2 });
    expect(res.status).toBe(200);
    expect(res.json.license).toMatchObject({ maxMachines: 2, activeMachines: 2 });
    expect(res.json.machines.map((m: any) => [m.fingerprint, m.deactivatedAt])).toEqual([["A", null], ["B", null], ["C", null]]);

    expect((await validate(key, "A")).code).toBe("VALID");
    expect((await validate(key, "B")).code).toBe("VALID");
    const c = await validate(key, "C");
    expect(c).toMatchObject({ valid: false, code: "TOO_MANY_MACHINES", license: { activeMachines: 2 } });
    expect((await activate(key, "C")).status).toBe(403);
    expect((await activate(key, "D")).json.code).toBe("TOO_MANY_MACHINES");
    expect((await call("/api/validate", { key, machine_id: "C" })).json).toEqual({ valid: false, reason: "Machine mismatch" });
    expect((await call("/api/v1/licenses/offline", { key, fingerprint: "C" })).status).toBe(403);

    expect((await call("/api/v1/licenses/deactivate", { key, fingerprint: "A" })).status).toBe(200);
    expect((await validate(key, "C")).code).toBe("VALID");
    expect((await activate(key, "C")).status).toBe(200);

    // Through the console: one seat; B (older) keeps it.
    await changeLicenseSeats(admin, { licenseId: license.id, maxMachines: 1 }, null);
    expect((await validate(key, "B")).code).toBe("VALID");
    expect((await validate(key, "C")).code).toBe("TOO_MANY_MACHINES");
  });

  it("applies when the plan's own seats are lowered, to every license on it", async () => {
    const { key, plan } = await createLicense({ maxMachines: 2 });
    await activate(key, "A");
    await activate(key, "B");
    await updatePlan(admin, { planId: plan.id, name: plan.name, maxMachines: 1, entitlements: [], floating: false } as any, null);
    expect((await validate(key, "A")).code).toBe("VALID");
    expect((await validate(key, "B")).code).toBe("TOO_MANY_MACHINES");
  });

  it("moving to a plan with fewer seats behaves the same", async () => {
    const { key, license } = await createLicense({ maxMachines: 3 });
    for (const fp of ["A", "B", "C"]) await activate(key, fp);
    const small = await createPlan({ maxMachines: 1 });
    expect((await patch(license.id, { plan: small.slug })).json.license.activeMachines).toBe(1);
    expect((await validate(key, "A")).code).toBe("VALID");
    expect((await validate(key, "B")).code).toBe("TOO_MANY_MACHINES");
  });
});
