/* eslint-disable @typescript-eslint/no-explicit-any -- SQL rows, checked field by field */
// The portal's authorization rules against a real database: every lib/portal
// function is called by customer A with customer B's ids (and with ids that are
// not ids) and must neither show nor change anything of B's.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { verifyOfflineCertificate } from "../licensing/offline";
import { runtimeKeys } from "../licensing/runtime-keys";
import { activate, validate } from "../licensing/service";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { clientIpFromHeaders } from "../http/next-adapter";
import { getLicenseForUser, listLicensesForUser, ownsLicense, revealKeyForUser } from "./licenses";
import { deactivateMachineForUser } from "./machines";
import { offlineFileForUser } from "./offline";
import { activationSnippet } from "./snippet";

setupTestDatabase();

const DAY_MS = 86_400_000;
const IP = "203.0.113.9";
const MALFORMED = ["", "not-a-uuid", "-".repeat(36), "' OR '1'='1", "00000000-0000-0000-0000-00000000000g", `${"a".repeat(8)}-aaaa-aaaa-aaaa-${"a".repeat(13)}`];

type Customer = { id: string; email: string };
type Fixture = { customer: Customer; licenseId: string; key: string; machineId: string; fingerprint: string };

async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db().query(text, values)).rows as T[];
}

/** A customer with one license and one activated machine on it. */
async function customerWithMachine(plan: Parameters<typeof createLicense>[0] = {}): Promise<Fixture> {
  const { license, key, user } = await createLicense({ maxMachines: 2, ...plan });
  const fingerprint = `fp-${randomBytes(6).toString("hex")}`;
  const activated = await activate(key, fingerprint, { name: "Office PC", platform: "windows", hostname: "office-pc" });
  expect(activated.created).toBe(true);
  return { customer: { id: user.id, email: user.email }, licenseId: license.id, key, machineId: activated.machine!.id, fingerprint };
}

const machineRow = async (id: string) => (await sql("SELECT * FROM machines WHERE id = $1", [id]))[0];
const auditCount = async () => Number((await sql("SELECT count(*)::int AS n FROM audit_logs"))[0].n);

let a: Fixture;
let b: Fixture;

beforeAll(async () => {
  a = await customerWithMachine();
  b = await customerWithMachine();
});

describe("reading", () => {
  it("lists only the customer's own licenses", async () => {
    const mine = await listLicensesForUser(a.customer.id);
    expect(mine.map((l) => l.id)).toEqual([a.licenseId]);
    expect(mine[0]).toMatchObject({ seatsUsed: 1, seatsTotal: 2, status: "ACTIVE" });
    expect(mine[0]!.maskedKey).toContain("•");
    expect((await listLicensesForUser(b.customer.id)).map((l) => l.id)).toEqual([b.licenseId]);
  });

  it("shows a license page only to its owner", async () => {
    const own = await getLicenseForUser(a.customer.id, a.licenseId);
    expect(own?.machines.map((m) => m.id)).toEqual([a.machineId]);
    expect(own?.machines[0]).toMatchObject({ label: "Office PC", platform: "windows", hostname: "office-pc", holdsSeat: true, heartbeat: null });
    expect(await getLicenseForUser(a.customer.id, b.licenseId)).toBeNull();
    expect(await ownsLicense(a.customer.id, a.licenseId)).toBe(true);
    expect(await ownsLicense(a.customer.id, b.licenseId)).toBe(false);
  });

  it("reveals a key only to its owner", async () => {
    expect(await revealKeyForUser(a.customer.id, a.licenseId)).toBe(a.key);
    expect(await revealKeyForUser(a.customer.id, b.licenseId)).toBeNull();
  });

  it("answers ids that are not ids with nothing, never with a database error", async () => {
    for (const bad of MALFORMED) {
      expect(await getLicenseForUser(a.customer.id, bad)).toBeNull();
      expect(await revealKeyForUser(a.customer.id, bad)).toBeNull();
      expect(await ownsLicense(a.customer.id, bad)).toBe(false);
    }
  });
});

describe("deactivating", () => {
  it("refuses another customer's machine, by its license or through the customer's own license, and changes nothing", async () => {
    const before = await auditCount();
    const tries = [
      { licenseId: b.licenseId, machineId: b.machineId },
      { licenseId: a.licenseId, machineId: b.machineId },
      { licenseId: b.licenseId, machineId: a.machineId },
      ...MALFORMED.map((bad) => ({ licenseId: bad, machineId: b.machineId })),
      { licenseId: b.licenseId },
      "not an object",
    ];
    for (const input of tries) {
      expect(await deactivateMachineForUser(a.customer, input, IP)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    }
    expect((await machineRow(b.machineId)).deactivated_at).toBeNull();
    expect((await machineRow(a.machineId)).deactivated_at).toBeNull();
    expect(await auditCount()).toBe(before);
    expect((await validate(b.key, { fingerprint: b.fingerprint })).decision.code).toBe("VALID");
  });

  it("frees the seat for the next activation, audits who did it from where, and the old machine gets MACHINE_MISMATCH", async () => {
    const c = await customerWithMachine();
    const second = await activate(c.key, "fp-second", { name: "Laptop" });
    expect(second.created).toBe(true);
    // Both seats taken: a third machine is refused...
    expect((await activate(c.key, "fp-third", {})).decision.code).toBe("TOO_MANY_MACHINES");

    const result = await deactivateMachineForUser(c.customer, { licenseId: c.licenseId, machineId: second.machine!.id }, IP);
    expect(result).toEqual({ ok: true, licenseId: c.licenseId, machine: { id: second.machine!.id, label: "Laptop" } });
    expect((await machineRow(second.machine!.id)).deactivated_at).toBeInstanceOf(Date);

    // ...until a seat is freed.
    const third = await activate(c.key, "fp-third", {});
    expect(third).toMatchObject({ created: true, decision: { code: "VALID" } });
    expect((await validate(c.key, { fingerprint: "fp-second" })).decision.code).toBe("MACHINE_MISMATCH");

    const audit = await sql("SELECT * FROM audit_logs WHERE action = 'machine.deactivate' AND target_id = $1", [second.machine!.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: "user", actor_id: c.customer.id, actor_label: c.customer.email, target_type: "machine", ip: IP });
    expect(audit[0].data).toMatchObject({ licenseId: c.licenseId, fingerprint: "fp-second", via: "portal" });

    const page = await getLicenseForUser(c.customer.id, c.licenseId);
    expect(page?.machines.map((m) => m.label).sort()).toEqual(["Office PC", `Machine ${third.machine!.id.slice(0, 8)}`].sort());
    expect(page?.history.map((m) => m.id)).toEqual([second.machine!.id]);
    expect(page?.seatsUsed).toBe(2);
  });

  it("says so when the machine was already deactivated, without a second audit entry", async () => {
    const c = await customerWithMachine();
    const input = { licenseId: c.licenseId, machineId: c.machineId };
    expect((await deactivateMachineForUser(c.customer, input, IP)).ok).toBe(true);
    const before = await auditCount();
    expect(await deactivateMachineForUser(c.customer, input, IP)).toMatchObject({ ok: false, code: "ALREADY_INACTIVE" });
    expect(await auditCount()).toBe(before);
  });

  it("waits for the license's row lock, the one activation holds while it counts seats", async () => {
    const c = await customerWithMachine();
    const holder = await db().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM licenses WHERE id = $1 FOR UPDATE", [c.licenseId]);
      let settled = false;
      const pending = deactivateMachineForUser(c.customer, { licenseId: c.licenseId, machineId: c.machineId }, IP).finally(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await holder.query("COMMIT");
      expect((await pending).ok).toBe(true);
    } finally {
      holder.release();
    }
  });
});

describe("offline license files", () => {
  it("are made for the owner's active machine, signed, and valid for the plan's grace days", async () => {
    const now = new Date();
    const result = await offlineFileForUser(a.customer, a.licenseId, a.machineId, IP, now);
    if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
    expect(result.filename).toMatch(/^product-[0-9a-f]{8}-office-pc\.lic$/);
    expect(result.expiresAt.getTime()).toBe(now.getTime() + 7 * DAY_MS);
    const verified = verifyOfflineCertificate(runtimeKeys().signing.publicKeyPem, result.certificate, now);
    if (!verified.ok) throw new Error(verified.reason);
    expect(verified.payload).toMatchObject({
      license: { id: a.licenseId, status: "ACTIVE", activeMachines: 1, maxMachines: 2 },
      machine: { id: a.machineId, fingerprint: a.fingerprint },
      issuedAt: now.toISOString(),
      expiresAt: result.expiresAt.toISOString(),
    });
    const audit = await sql("SELECT * FROM audit_logs WHERE action = 'license.offline_file' AND target_id = $1", [a.licenseId]);
    expect(audit.at(-1)).toMatchObject({ actor_id: a.customer.id, actor_label: a.customer.email, ip: IP });
    // ...and the license page offers the download it answers.
    expect((await getLicenseForUser(a.customer.id, a.licenseId, now))?.offline).toEqual({ allowed: true, graceDays: 7 });
  });

  it("are never made for another customer's license or machine", async () => {
    const before = await auditCount();
    const tries: [unknown, unknown][] = [
      [b.licenseId, b.machineId],
      [a.licenseId, b.machineId],
      [b.licenseId, a.machineId],
      [a.licenseId, null],
      [a.licenseId, "not-a-uuid"],
      ...MALFORMED.map((bad): [unknown, unknown] => [bad, a.machineId]),
    ];
    for (const [licenseId, machineId] of tries) {
      expect(await offlineFileForUser(a.customer, licenseId, machineId, IP)).toEqual({ ok: false, code: "NOT_FOUND" });
    }
    expect(await auditCount()).toBe(before);
  });

  it("never outlive the license, and are refused as the API refuses them", async () => {
    const soon = new Date(Date.now() + 2 * DAY_MS);
    const short = await customerWithMachine({ expiresAt: soon });
    const file = await offlineFileForUser(short.customer, short.licenseId, short.machineId, IP);
    expect(file.ok && file.expiresAt.getTime()).toBe(soon.getTime());

    const noOffline = await customerWithMachine({ offlineGraceDays: 0 });
    expect(await offlineFileForUser(noOffline.customer, noOffline.licenseId, noOffline.machineId, IP)).toMatchObject({ ok: false, code: "REFUSED" });
    expect((await getLicenseForUser(noOffline.customer.id, noOffline.licenseId))?.offline.allowed).toBe(false);

    const gone = await customerWithMachine();
    await deactivateMachineForUser(gone.customer, { licenseId: gone.licenseId, machineId: gone.machineId }, IP);
    expect(await offlineFileForUser(gone.customer, gone.licenseId, gone.machineId, IP)).toMatchObject({ ok: false, code: "REFUSED" });

    const suspended = await customerWithMachine();
    await sql("UPDATE licenses SET status = 'SUSPENDED' WHERE id = $1", [suspended.licenseId]);
    expect(await offlineFileForUser(suspended.customer, suspended.licenseId, suspended.machineId, IP)).toMatchObject({
      ok: false,
      code: "REFUSED",
      message: "The license is suspended.",
    });
    // The page says so too, rather than offer a download the route refuses.
    expect((await getLicenseForUser(suspended.customer.id, suspended.licenseId))?.offline).toMatchObject({ allowed: false });
  });
});

describe("the license page's view", () => {
  it("names the features as the vendor named them, in the plan's order; an unnamed code shows as itself", async () => {
    const { license, user } = await createLicense({ entitlements: ["sync", "core", "beta"] });
    const { productId } = await prisma().plan.findUniqueOrThrow({ where: { id: license.planId } });
    await prisma().entitlementName.createMany({ data: [{ productId, code: "core", name: "The full editor" }, { productId, code: "sync", name: "Cloud sync" }] });
    expect((await listLicensesForUser(user.id))[0]!.features).toEqual(["Cloud sync", "The full editor", "beta"]);
    expect((await getLicenseForUser(user.id, license.id))!.features).toEqual(["Cloud sync", "The full editor", "beta"]);
  });

  it("shows a floating machine's heartbeat: alive until its deadline, then missed and holding no seat", async () => {
    const f = await customerWithMachine({ floating: true, heartbeatSeconds: 60 });
    const now = new Date();
    const alive = (await getLicenseForUser(f.customer.id, f.licenseId, now))!;
    expect(alive.machines[0]?.heartbeat).toMatchObject({ state: "alive" });
    expect(alive.seatsUsed).toBe(1);

    const later = new Date(now.getTime() + 120_000);
    const dead = (await getLicenseForUser(f.customer.id, f.licenseId, later))!;
    expect(dead.machines[0]).toMatchObject({ holdsSeat: false, heartbeat: { state: "missed" } });
    expect(dead.seatsUsed).toBe(0);
    expect(dead.offline).toMatchObject({ allowed: false });
  });

  it("fills the activation command with the key and the portal's address", () => {
    const snippet = activationSnippet("https://licenses.example.com", "ZP-AAAAA-BBBBB-CCCCC-DDDDD");
    expect(snippet).toContain("curl -X POST https://licenses.example.com/api/v1/licenses/activate");
    expect(snippet).toContain('"key":"ZP-AAAAA-BBBBB-CCCCC-DDDDD"');
    // One pair of single quotes around the body: the command runs as pasted.
    expect(snippet.split("'").length - 1).toBe(4);
  });

  it("records the address Next's server saw, not what the client claims", () => {
    delete process.env.TRUST_PROXY;
    expect(clientIpFromHeaders(new Headers({ "x-forwarded-for": "1.1.1.1, 198.51.100.4" }))).toBe("198.51.100.4");
    expect(clientIpFromHeaders(new Headers())).toBe("unknown");
  });
});
