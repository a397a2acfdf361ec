// The client endpoints of API.md against a real database, called through the
// same handler both servers mount.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../test/database";
import { createLicense } from "../../test/licenses";
import { call } from "../../test/api-client";
import { applyUsageBatches, usageRecorder } from "../../analytics/usage-recorder";
import { verifyOfflineCertificate } from "../offline";
import { verifySignedResponse } from "../signing";
import { db } from "../../db/client";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();

let publicKeyPem: string;
beforeAll(async () => {
  publicKeyPem = (await call("/api/v1/public-key", undefined, { method: "GET" })).json.publicKey;
});

const KEY_FORMAT = /^ZP-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/;

describe("public key", () => {
  it("serves the Ed25519 public key and its id", async () => {
    const res = await call("/api/v1/public-key", undefined, { method: "GET" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ algorithm: "ed25519", keyid: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(res.json.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });
});

describe("validate", () => {
  it("answers VALID with the contract's body, signed, and echoes the nonce", async () => {
    const { key, license, plan } = await createLicense({ maxMachines: 2, entitlements: ["pro"], durationDays: 30 });
    expect(key).toMatch(KEY_FORMAT);
    const res = await call("/api/v1/licenses/validate", { key, nonce: "n-123" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      valid: true,
      code: "VALID",
      detail: expect.any(String),
      license: {
        id: license.id,
        product: plan.product.slug,
        plan: plan.slug,
        status: "ACTIVE",
        expiresAt: license.expiresAt!.toISOString(),
        maxMachines: 2,
        activeMachines: 0,
        floating: false,
        entitlements: ["pro"],
        offlineGraceDays: 7,
      },
      machine: null,
      meta: { ts: expect.any(String), nonce: "n-123" },
    });
    const verdict = verifySignedResponse(
      publicKeyPem,
      { method: "POST", path: "/api/v1/licenses/validate", host: "licenses.example.com" },
      { date: res.headers.Date, digest: res.headers.Digest, signature: res.headers["License-Signature"] },
      res.raw,
    );
    expect(verdict).toEqual({ ok: true });
    // One changed byte and the signature no longer holds.
    const tampered = Buffer.from(res.raw.toString().replace('"valid":true', '"valid":false'));
    expect(
      verifySignedResponse(
        publicKeyPem,
        { method: "POST", path: "/api/v1/licenses/validate", host: "licenses.example.com" },
        { date: res.headers.Date, digest: res.headers.Digest, signature: res.headers["License-Signature"] },
        tampered,
      ).ok,
    ).toBe(false);
  });

  it("matches keys case-insensitively with surrounding white space", async () => {
    const { key } = await createLicense();
    const res = await call("/api/v1/licenses/validate", { key: `  ${key.toLowerCase()}\n` });
    expect(res.json.code).toBe("VALID");
  });

  it("answers NOT_FOUND, REVOKED, SUSPENDED, EXPIRED, PRODUCT_MISMATCH, ENTITLEMENTS_MISSING with 200", async () => {
    expect((await call("/api/v1/licenses/validate", { key: "ZP-AAAAA-BBBBB-CCCCC-DDDDD" })).json).toMatchObject({ valid: false, code: "NOT_FOUND", license: null });
    const revoked = await createLicense({ status: "REVOKED" });
    expect((await call("/api/v1/licenses/validate", { key: revoked.key })).json.code).toBe("REVOKED");
    const suspended = await createLicense({ status: "SUSPENDED" });
    expect((await call("/api/v1/licenses/validate", { key: suspended.key })).json.code).toBe("SUSPENDED");
    const expired = await createLicense({ expiresAt: new Date(Date.now() - 1000) });
    const res = await call("/api/v1/licenses/validate", { key: expired.key });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: "EXPIRED", license: { status: "EXPIRED" } });
    const ok = await createLicense({ entitlements: ["a"] });
    expect((await call("/api/v1/licenses/validate", { key: ok.key, product: "other" })).json.code).toBe("PRODUCT_MISMATCH");
    expect((await call("/api/v1/licenses/validate", { key: ok.key, product: ok.plan.product.slug, entitlements: ["a", "b"] })).json).toMatchObject({
      code: "ENTITLEMENTS_MISSING",
      detail: expect.stringContaining("b"),
    });
  });
});

describe("activate, validate with fingerprint, deactivate", () => {
  it("takes seats, is idempotent, refuses past the limit, frees and re-takes a seat", async () => {
    const { key, license } = await createLicense({ maxMachines: 2 });
    const first = await call("/api/v1/licenses/activate", { key, fingerprint: "fp-1", name: "Laptop", platform: "linux", hostname: "box1" });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ valid: true, code: "VALID", machine: { fingerprint: "fp-1", name: "Laptop", heartbeatDeadline: null }, license: { activeMachines: 1 } });
    const again = await call("/api/v1/licenses/activate", { key, fingerprint: "fp-1" });
    expect(again.status).toBe(200);
    expect(again.json.machine.id).toBe(first.json.machine.id);
    expect((await call("/api/v1/licenses/activate", { key, fingerprint: "fp-2" })).status).toBe(201);
    const third = await call("/api/v1/licenses/activate", { key, fingerprint: "fp-3" });
    expect(third.status).toBe(403);
    expect(third.json).toMatchObject({ valid: false, code: "TOO_MANY_MACHINES", license: { activeMachines: 2 } });

    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code).toBe("VALID");
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-3" })).json.code).toBe("MACHINE_MISMATCH");

    const off = await call("/api/v1/licenses/deactivate", { key, fingerprint: "fp-1" });
    expect(off).toMatchObject({ status: 200, json: { deactivated: true } });
    expect((await call("/api/v1/licenses/deactivate", { key, fingerprint: "fp-1" })).status).toBe(404);
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "fp-1" })).json.code).toBe("MACHINE_MISMATCH");
    expect((await call("/api/v1/licenses/activate", { key, fingerprint: "fp-3" })).status).toBe(201);
    // fp-1 comes back once a seat is free again, on its old row.
    await call("/api/v1/licenses/deactivate", { key, fingerprint: "fp-2" });
    const back = await call("/api/v1/licenses/activate", { key, fingerprint: "fp-1" });
    expect(back.status).toBe(201);
    expect(back.json.machine.id).toBe(first.json.machine.id);
    const { rows } = await db().query("SELECT count(*)::int AS n FROM machines WHERE license_id = $1", [license.id]);
    expect(rows[0].n).toBe(3);
  });

  it("answers NO_MACHINE before any activation and 404 NOT_FOUND on activation of an unknown key", async () => {
    const { key } = await createLicense();
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "x" })).json.code).toBe("NO_MACHINE");
    const res = await call("/api/v1/licenses/activate", { key: "ZP-AAAAA-BBBBB-CCCCC-DDDDD", fingerprint: "x" });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ valid: false, code: "NOT_FOUND" });
  });

  it("refuses activation of suspended, revoked and expired licenses with 403", async () => {
    for (const input of [{ status: "SUSPENDED" as const }, { status: "REVOKED" as const }, { expiresAt: new Date(Date.now() - 60_000) }]) {
      const { key } = await createLicense(input);
      const res = await call("/api/v1/licenses/activate", { key, fingerprint: "fp" });
      expect(res.status).toBe(403);
      expect(res.json.valid).toBe(false);
    }
  });
});

describe("floating licenses and heartbeats", () => {
  it("extends the deadline, lets a dead machine's seat go and revives it when a seat is free", async () => {
    const { key } = await createLicense({ floating: true, maxMachines: 1, heartbeatSeconds: 60 });
    // The deadline is heartbeatSeconds (60) after the activation: bracketed by the clock before and
    // after the request, which holds however long the request takes (a "more than 55 s from now"
    // bound failed whenever a loaded machine took over 5 s to get here).
    const sent = Date.now();
    const a = await call("/api/v1/licenses/activate", { key, fingerprint: "A" });
    const answered = Date.now();
    expect(a.status).toBe(201);
    const deadline = Date.parse(a.json.machine.heartbeatDeadline);
    expect(deadline).toBeGreaterThanOrEqual(sent + 60_000);
    expect(deadline).toBeLessThanOrEqual(answered + 60_000);
    expect((await call("/api/v1/licenses/activate", { key, fingerprint: "B" })).json.code).toBe("TOO_MANY_MACHINES");

    // A misses its deadline: it no longer holds the seat.
    await db().query("UPDATE machines SET heartbeat_deadline = now() - interval '1 second' WHERE fingerprint = 'A'");
    expect((await call("/api/v1/licenses/validate", { key, fingerprint: "A" })).json.code).toBe("HEARTBEAT_DEAD");
    const hbDead = await call("/api/v1/licenses/heartbeat", { key, fingerprint: "A" });
    // Its heartbeat revives it, since the seat is free.
    expect(hbDead.status).toBe(200);
    expect(hbDead.json.code).toBe("VALID");

    await db().query("UPDATE machines SET heartbeat_deadline = now() - interval '1 second' WHERE fingerprint = 'A'");
    const b = await call("/api/v1/licenses/activate", { key, fingerprint: "B" });
    expect(b.status).toBe(201);
    expect(b.json.license.activeMachines).toBe(1);
    // Now the seat is B's: A stays dead.
    expect((await call("/api/v1/licenses/heartbeat", { key, fingerprint: "A" })).json.code).toBe("HEARTBEAT_DEAD");
    const hb = await call("/api/v1/licenses/heartbeat", { key, fingerprint: "B", nonce: "hb" });
    expect(hb.json).toMatchObject({ code: "VALID", meta: { nonce: "hb" } });
    expect(Date.parse(hb.json.machine.heartbeatDeadline)).toBeGreaterThanOrEqual(Date.parse(b.json.machine.heartbeatDeadline));
  });
});

describe("offline license files", () => {
  it("issues a file that verifies with the public key and ends at the grace period", async () => {
    const { key } = await createLicense({ offlineGraceDays: 3 });
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp" });
    const res = await call("/api/v1/licenses/offline", { key, fingerprint: "fp" });
    expect(res.status).toBe(200);
    const days = (Date.parse(res.json.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.99);
    expect(days).toBeLessThanOrEqual(3);
    const verified = verifyOfflineCertificate(publicKeyPem, res.json.certificate);
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.payload).toMatchObject({ machine: { fingerprint: "fp" }, expiresAt: res.json.expiresAt, license: { status: "ACTIVE" } });
  });

  it("never lasts past the license's own expiry, and refuses other machines", async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const { key } = await createLicense({ offlineGraceDays: 7, expiresAt });
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp" });
    const res = await call("/api/v1/licenses/offline", { key, fingerprint: "fp" });
    expect(res.json.expiresAt).toBe(expiresAt.toISOString());
    const other = await call("/api/v1/licenses/offline", { key, fingerprint: "other" });
    expect(other.status).toBe(403);
    expect(other.json.code).toBe("MACHINE_MISMATCH");
    expect((await call("/api/v1/licenses/offline", { key: "ZP-AAAAA-BBBBB-CCCCC-DDDDD", fingerprint: "fp" })).status).toBe(404);
  });

  it("refuses when the plan allows no offline use", async () => {
    const { key } = await createLicense({ offlineGraceDays: 0 });
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp" });
    const res = await call("/api/v1/licenses/offline", { key, fingerprint: "fp" });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("FORBIDDEN");
  });
});

describe("seed-compatible /api/validate", () => {
  it("stores the machine on first validation and refuses a second machine on a one-seat key", async () => {
    const { key } = await createLicense({ maxMachines: 1 });
    expect(await call("/api/validate", { key, machine_id: "m1" })).toMatchObject({ status: 200, json: { valid: true } });
    expect(await call("/api/validate", { key, machine_id: "m1" })).toMatchObject({ status: 200, json: { valid: true } });
    expect(await call("/api/validate", { key, machine_id: "m2" })).toMatchObject({ status: 403, json: { valid: false, reason: "Machine mismatch" } });
    expect(await call("/api/validate", { key: "nope", machine_id: "m1" })).toMatchObject({ status: 403, json: { valid: false, reason: "Invalid key" } });
    const expired = await createLicense({ expiresAt: new Date(Date.now() - 1) });
    expect((await call("/api/validate", { key: expired.key, machine_id: "m1" })).json.reason).toBe("Expired");
    const suspended = await createLicense({ status: "SUSPENDED" });
    expect((await call("/api/validate", { key: suspended.key, machine_id: "m1" })).json.reason).toBe("Suspended");
    const revoked = await createLicense({ status: "REVOKED" });
    expect((await call("/api/validate", { key: revoked.key, machine_id: "m1" })).json.reason).toBe("Revoked");
    expect((await call("/api/validate", { key })).status).toBe(400);
  });
});

describe("malformed input", () => {
  const paths = ["/api/v1/licenses/validate", "/api/v1/licenses/activate", "/api/v1/licenses/deactivate", "/api/v1/licenses/heartbeat", "/api/v1/licenses/offline", "/api/validate"];
  const bad: [string, Buffer][] = [
    ["invalid JSON", Buffer.from("{not json")],
    ["an array", Buffer.from("[]")],
    ["null", Buffer.from("null")],
    ["wrong types", Buffer.from(JSON.stringify({ key: 42, fingerprint: ["x"], machine_id: {} }))],
    ["a huge key", Buffer.from(JSON.stringify({ key: "Z".repeat(10_000), fingerprint: "x", machine_id: "x" }))],
    ["a control character", Buffer.from(JSON.stringify({ key: "ZP-A", fingerprint: "a\u0000b", machine_id: "a\nb" }))],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ];
  for (const path of paths) {
    it(`${path}: 400 with BAD_REQUEST and a signature for every kind`, async () => {
      for (const [, raw] of bad) {
        const res = await call(path, undefined, { raw });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe("BAD_REQUEST");
        expect(res.headers["License-Signature"]).toMatch(/^keyid="[0-9a-f]{16}", algorithm="ed25519", signature="[A-Za-z0-9+/=]+"$/);
      }
    });
  }

  it("answers 405 for GET on a POST endpoint and a signed 404 for an unknown one", async () => {
    expect((await call("/api/v1/licenses/validate", undefined, { method: "GET" })).status).toBe(405);
    const res = await call("/api/v1/licenses/nope", {});
    expect(res.status).toBe(404);
    expect(res.headers.Digest).toMatch(/^sha-256=/);
  });
});

describe("usage analytics", () => {
  it("counts validations, activations and failures per license and day, off the request path", async () => {
    const { key, license } = await createLicense({ maxMachines: 1 });
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp" });
    await call("/api/v1/licenses/validate", { key, fingerprint: "fp" });
    await call("/api/v1/licenses/validate", { key, fingerprint: "other" });
    await call("/api/v1/licenses/activate", { key, fingerprint: "other" });
    const before = await db().query("SELECT * FROM usage_daily WHERE license_id = $1", [license.id]);
    expect(before.rowCount).toBe(0); // nothing written synchronously
    await usageRecorder().flush();
    // Handed to the job engine: counted once its job runs (here run directly).
    expect((await db().query("SELECT * FROM usage_daily WHERE license_id = $1", [license.id])).rowCount).toBe(0);
    await applyUsageBatches();
    const { rows } = await db().query("SELECT validations, activations, failures FROM usage_daily WHERE license_id = $1", [license.id]);
    expect(rows).toEqual([{ validations: 3, activations: 1, failures: 2 }]);
    const events = await db().query("SELECT endpoint, code FROM validation_events WHERE license_id = $1 ORDER BY id", [license.id]);
    expect(events.rows.map((r) => r.code)).toEqual(["VALID", "VALID", "MACHINE_MISMATCH", "TOO_MANY_MACHINES"]);
  });
});

describe("keys at rest", () => {
  it("no table holds an issued key in clear", async () => {
    const { key } = await createLicense();
    await call("/api/v1/licenses/activate", { key, fingerprint: "fp" });
    await usageRecorder().flush();
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      for (const { table_name } of tables.rows) {
        const { rows } = await client.query(`SELECT t::text AS row FROM ${client.escapeIdentifier(table_name)} t`);
        for (const { row } of rows) {
          expect(row.toUpperCase()).not.toContain(key);
          expect(row.toUpperCase()).not.toContain(key.slice(3, 20)); // nor its middle groups
        }
      }
    } finally {
      await client.end();
    }
  });
});
