/* eslint-disable @typescript-eslint/no-explicit-any -- SQL rows, checked field by field */
// The customer's self-service under concurrency, against a real database: a
// double click, two open tabs, or the customer and an admin at once. A machine
// is deactivated once, with one audit entry; moving a license (deactivate the
// old machine, activate the new one) never leaves more machines than seats.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { resetMachines } from "../admin/license-actions";
import { consoleAdmin } from "../admin/test-kit";
import type { ConsoleAdmin } from "../admin/guard";
import { db } from "../db/client";
import { activate, validate } from "../licensing/service";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { getLicenseForUser } from "./licenses";
import { deactivateMachineForUser } from "./machines";

setupTestDatabase();

const N = 10;
const IP = "203.0.113.9";

async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db().query(text, values)).rows as T[];
}

const times = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
const deactivations = (machineIds: string[]) =>
  sql("SELECT * FROM audit_logs WHERE action = 'machine.deactivate' AND target_id = ANY($1::text[]) ORDER BY id", [machineIds]);
const activeCount = async (licenseId: string) =>
  Number((await sql("SELECT count(*)::int AS n FROM machines WHERE license_id = $1 AND deactivated_at IS NULL", [licenseId]))[0].n);

/** A customer with a license of `seats` seats, every seat taken by an activated machine. */
async function fullLicense(seats: number) {
  const { license, key, user } = await createLicense({ maxMachines: seats });
  const machines: { id: string; fingerprint: string }[] = [];
  for (let i = 0; i < seats; i++) {
    const fingerprint = `old-${i}-${randomBytes(3).toString("hex")}`;
    const activated = await activate(key, fingerprint, { name: `Old ${i}` });
    expect(activated.created).toBe(true);
    machines.push({ id: activated.machine!.id, fingerprint });
  }
  return { customer: { id: user.id, email: user.email }, licenseId: license.id, key, machines };
}

let admin: ConsoleAdmin;
beforeAll(async () => {
  admin = await consoleAdmin();
});

describe("deactivating at once", () => {
  it(`${N} deactivations of one machine (double clicks, tabs): one frees the seat, the rest say it already was; one audit entry`, async () => {
    const { customer, licenseId, machines } = await fullLicense(1);
    const machineId = machines[0]!.id;
    const results = await times(N, () => deactivateMachineForUser(customer, { licenseId, machineId }, IP));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === "ALREADY_INACTIVE")).toHaveLength(N - 1);
    expect(await deactivations([machineId])).toHaveLength(1);
    expect(await activeCount(licenseId)).toBe(0);
  });

  it("every machine of one license deactivated at once: each once, each audited once, every seat free", async () => {
    const { customer, licenseId, machines } = await fullLicense(5);
    const results = await Promise.all(
      [...machines, ...machines].map((m) => deactivateMachineForUser(customer, { licenseId, machineId: m.id }, IP)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.code === "ALREADY_INACTIVE")).toHaveLength(5);
    const entries = await deactivations(machines.map((m) => m.id));
    expect(entries.map((e) => e.target_id).sort()).toEqual(machines.map((m) => m.id).sort());
    expect((await getLicenseForUser(customer.id, licenseId))?.seatsUsed).toBe(0);
  });

  it("the customer deactivating while an admin resets the machines: each machine is deactivated and audited once, by one of them", async () => {
    const { customer, licenseId, machines } = await fullLicense(1);
    const machineId = machines[0]!.id;
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => deactivateMachineForUser(customer, { licenseId, machineId }, IP)),
      ...Array.from({ length: 5 }, () => resetMachines(admin, { licenseId }, IP)),
    ]);
    const byCustomer = results.slice(0, 5).filter((r) => "licenseId" in r && r.ok).length;
    const byAdmin = results.slice(5).filter((r) => "message" in r && r.message === "1 machine deactivated: every seat is free.").length;
    expect(byCustomer + byAdmin).toBe(1);
    const customerEntries = await deactivations([machineId]);
    const adminEntries = await sql("SELECT * FROM audit_logs WHERE action = 'license.reset_machines' AND target_id = $1", [licenseId]);
    expect(customerEntries.length + adminEntries.length).toBe(1);
    expect([customerEntries.length, adminEntries.length]).toEqual([byCustomer, byAdmin]);
  });
});

describe("moving a license to another machine", () => {
  it(`deactivating the old machine while ${N} new machines try to activate: never more machines than seats, and the freed seat is taken once`, async () => {
    const { customer, licenseId, key, machines } = await fullLicense(1);
    const old = machines[0]!;
    const [deactivated, ...activations] = await Promise.all([
      deactivateMachineForUser(customer, { licenseId, machineId: old.id }, IP),
      ...Array.from({ length: N }, (_, i) => activate(key, `new-${i}`, { name: `New ${i}` })),
    ]);
    expect(deactivated.ok).toBe(true);
    const taken = activations.filter((a) => a.created);
    // Before the deactivation commits every activation is refused; after it, exactly one gets the seat.
    expect(taken.length).toBeLessThanOrEqual(1);
    for (const a of activations.filter((a) => !a.created)) expect(a.decision.code).toBe("TOO_MANY_MACHINES");
    expect(await activeCount(licenseId)).toBe(taken.length);
    expect((await validate(key, { fingerprint: old.fingerprint })).decision.code).toBe("MACHINE_MISMATCH");

    // The seat is free (or taken by the one that won): a new machine now gets it at once, the others after it do not.
    const retry = await Promise.all(Array.from({ length: N }, (_, i) => activate(key, `retry-${i}`, {})));
    expect(retry.filter((a) => a.created)).toHaveLength(1 - taken.length);
    expect(await activeCount(licenseId)).toBe(1);
    expect(await deactivations([old.id])).toHaveLength(1);
  });

  it("two tabs moving the license at once (each deactivates the old machine, then activates its own): one move wins", async () => {
    const { customer, licenseId, key, machines } = await fullLicense(1);
    const old = machines[0]!;
    const move = async (tab: number) => {
      const result = await deactivateMachineForUser(customer, { licenseId, machineId: old.id }, IP);
      const activated = await activate(key, `tab-${tab}`, {});
      return { result, activated };
    };
    const moves = await times(4, move);
    expect(moves.filter((m) => m.result.ok)).toHaveLength(1);
    expect(moves.filter((m) => m.activated.created)).toHaveLength(1);
    expect(await activeCount(licenseId)).toBe(1);
    expect(await deactivations([old.id])).toHaveLength(1);
  });
});
