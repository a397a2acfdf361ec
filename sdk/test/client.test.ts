// LicenseClient against a fake portal that signs like the real one: the online / offline / tampered paths.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LicenseClient, type LicenseClientOptions } from "../src/client.js";
import { DAY_MS } from "../src/grace.js";
import type { ValidationCode } from "../src/types.js";
import { fakePortal, offlineFile, signAnswer, testKeys, verdict, type Signed } from "./signer.js";

const keys = testKeys();
const FP = "f".repeat(64);
const SERVER = "https://licenses.example.com";
const T0 = Date.parse("2026-03-01T12:00:00.000Z");

let clock = T0;
const now = () => new Date(clock);
afterEach(() => {
  clock = T0;
});

const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sdk-client-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function client(fetchImpl: typeof fetch, extra: Partial<LicenseClientOptions> = {}) {
  return new LicenseClient({
    server: SERVER,
    publicKey: keys.publicKeyPem,
    licenseKey: "ZP-AAAAA-BBBBB-CCCCC-DDDDD",
    appId: "demo-app",
    fingerprint: FP,
    cacheDir: extra.cacheDir ?? tmp(),
    now,
    fetch: fetchImpl,
    ...extra,
  });
}

/** A portal whose verdict can be changed between calls; `down` makes every request fail like a dead network. */
function portal(initial: ValidationCode = "VALID", opts: { entitlements?: string[] } = {}) {
  const state = { code: initial, down: false };
  const f = fakePortal(keys, (endpoint, body) => {
    if (state.down) throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    if (endpoint === "deactivate") return { json: { deactivated: true }, date: now() };
    if (endpoint === "offline") {
      const certificate = offlineFile(keys, {
        license: verdict("VALID", { nonce: null, ts: now(), fingerprint: FP }).license,
        machine: { fingerprint: body.fingerprint },
        issuedAt: now().toISOString(),
        expiresAt: new Date(clock + 3 * DAY_MS).toISOString(),
      });
      return { json: { certificate, expiresAt: new Date(clock + 3 * DAY_MS).toISOString() }, date: now() };
    }
    const json = verdict(state.code, { nonce: (body.nonce as string) ?? null, ts: now(), fingerprint: FP, license: { entitlements: opts.entitlements ?? ["core", "export"] } });
    return { status: state.code === "VALID" ? 200 : 403, json, date: now() };
  });
  return Object.assign(f, { state });
}

describe("online", () => {
  it("validates, reports the contract's fields and entitlements", async () => {
    const p = portal();
    const c = client(p);
    const check = await c.validate();
    expect(check).toMatchObject({ valid: true, code: "VALID", source: "server", httpStatus: 200, offlineReason: null });
    expect(check.validUntil?.getTime()).toBe(T0 + 7 * DAY_MS);
    expect(c.hasEntitlement("export")).toBe(true);
    expect(c.hasEntitlement("team")).toBe(false);
    expect(p.calls[0]).toMatchObject({ endpoint: "validate", body: { key: "ZP-AAAAA-BBBBB-CCCCC-DDDDD", fingerprint: FP } });
    expect(typeof p.calls[0]!.body.nonce).toBe("string");
    // Every request has a fresh nonce.
    await c.validate();
    expect(p.calls[1]!.body.nonce).not.toBe(p.calls[0]!.body.nonce);
  });

  it("reports a refusal with its code and grants no entitlement", async () => {
    const c = client(portal("SUSPENDED"));
    expect(await c.validate()).toMatchObject({ valid: false, code: "SUSPENDED", source: "server", httpStatus: 403 });
    expect(c.hasEntitlement("core")).toBe(false);
  });

  it("sends product and machine details", async () => {
    const p = portal();
    await client(p, { product: "demo-app", machineName: "Ada's laptop" }).validate();
    await client(p, { machineName: "Ada's laptop" }).activate();
    expect(p.calls[0]!.body.product).toBe("demo-app");
    expect(p.calls[1]).toMatchObject({ endpoint: "activate", body: { name: "Ada's laptop", platform: `${process.platform}-${process.arch}` } });
  });
});

describe("offline grace", () => {
  it("answers from the saved answer while the server is unreachable, and fails closed after the grace", async () => {
    const p = portal();
    const dir = tmp();
    expect((await client(p, { cacheDir: dir }).activate()).valid).toBe(true);
    p.state.down = true;

    clock = T0 + 6 * DAY_MS;
    // A new client, as after a restart: the answer comes from disk, re-verified.
    const restarted = client(p, { cacheDir: dir });
    const offline = await restarted.validate();
    expect(offline).toMatchObject({ valid: true, code: "VALID", source: "cache" });
    expect(offline.offlineReason).toMatch(/fetch failed/);
    expect(restarted.hasEntitlement("export")).toBe(true);

    clock = T0 + 7 * DAY_MS + 1;
    expect(await restarted.validate()).toMatchObject({ valid: false, code: "GRACE_EXPIRED", source: "cache" });
    expect(restarted.hasEntitlement("export")).toBe(false);

    p.state.down = false;
    expect(await restarted.validate()).toMatchObject({ valid: true, source: "server" });
  });

  it("detects a clock set back while offline, and recovers once the server vouches for the clock", async () => {
    const p = portal();
    const c = client(p);
    await c.validate();
    p.state.down = true;
    clock = T0 + 3 * DAY_MS;
    expect((await c.validate()).valid).toBe(true);
    clock = T0 + DAY_MS; // set back two days
    expect(await c.validate()).toMatchObject({ valid: false, code: "CLOCK_ROLLBACK" });
    p.state.down = false;
    expect((await c.validate()).valid).toBe(true);
    p.state.down = true;
    expect((await c.validate()).valid).toBe(true);
  });

  it("keeps a saved refusal: SUSPENDED stays SUSPENDED offline, even with an older license file", async () => {
    const p = portal();
    const c = client(p);
    expect((await c.checkoutOffline()).ok).toBe(true);
    clock = T0 + 60_000;
    p.state.code = "SUSPENDED";
    expect((await c.validate()).code).toBe("SUSPENDED");
    p.state.down = true;
    clock = T0 + 120_000;
    expect(await c.validate()).toMatchObject({ valid: false, code: "SUSPENDED", source: "cache" });
  });

  it("uses the offline license file when there is no answer, until it expires", async () => {
    const p = portal();
    const dir = tmp();
    const checkout = await client(p, { cacheDir: dir }).checkoutOffline();
    expect(checkout).toMatchObject({ ok: true, expiresAt: new Date(T0 + 3 * DAY_MS) });
    p.state.down = true;
    const c = client(p, { cacheDir: dir });
    clock = T0 + 2 * DAY_MS;
    expect(await c.validate()).toMatchObject({ valid: true, source: "offline-file" });
    clock = T0 + 4 * DAY_MS;
    expect(await c.validate()).toMatchObject({ valid: false, code: "GRACE_EXPIRED" });
  });

  it("falls back on signed 503s and unsigned 502s, but not on a 400", async () => {
    const p = portal();
    const c = client(p);
    await c.validate();
    let mode: "503" | "502" | "400" = "503";
    const flaky = fakePortal(keys, () => {
      if (mode === "502") return new Response("<html>Bad gateway</html>", { status: 502 });
      if (mode === "503") return { status: 503, json: { error: { code: "UNAVAILABLE", message: "db down" } }, date: now() };
      return { status: 400, json: { error: { code: "BAD_REQUEST", message: "key is required" } }, date: now() };
    });
    const same = client(flaky, { cacheDir: path.dirname(c.cacheLocation!) });
    expect(await same.validate()).toMatchObject({ valid: true, source: "cache", offlineReason: expect.stringMatching(/503: UNAVAILABLE/) });
    mode = "502";
    expect(await same.validate()).toMatchObject({ valid: true, source: "cache", offlineReason: expect.stringMatching(/unsigned answer \(HTTP 502\)/) });
    mode = "400";
    expect(await same.validate()).toMatchObject({ valid: false, code: "BAD_REQUEST", source: "server", httpStatus: 400 });
  });

  it("keeps no grace without a disk cache across instances (cacheDir: false)", async () => {
    const p = portal();
    await client(p, { cacheDir: false }).validate();
    p.state.down = true;
    expect(await client(p, { cacheDir: false }).validate()).toMatchObject({ valid: false, code: "UNREACHABLE" });
  });
});

describe("the saved answer is never trusted blindly", () => {
  async function savedFile() {
    const p = portal("SUSPENDED");
    const c = client(p);
    await c.validate();
    p.state.down = true;
    return { p, c, file: c.cacheLocation! };
  }

  it("an edited saved answer (SUSPENDED → VALID) is discarded", async () => {
    const { p, c, file } = await savedFile();
    const saved = JSON.parse(readFileSync(file, "utf8")) as { answer: { body: string } };
    const body = Buffer.from(saved.answer.body, "base64").toString();
    const forged = body.replace('"valid":false', '"valid":true').replace(/"SUSPENDED"/g, '"VALID"');
    expect(forged).not.toBe(body);
    saved.answer.body = Buffer.from(forged).toString("base64");
    writeFileSync(file, JSON.stringify(saved));
    const check = await client(p, { cacheDir: path.dirname(file) }).validate();
    expect(check).toMatchObject({ valid: false, code: "UNREACHABLE" });
    expect(c.cacheLocation).toBe(file);
  });

  it("a saved answer copied from another machine is discarded", async () => {
    const p = portal();
    const dir = tmp();
    await client(p, { cacheDir: dir }).validate();
    p.state.down = true;
    expect((await client(p, { cacheDir: dir }).validate()).valid).toBe(true);
    expect(await client(p, { cacheDir: dir, fingerprint: "e".repeat(64) }).validate()).toMatchObject({ valid: false, code: "UNREACHABLE" });
  });

  it("a saved answer under another pinned key is discarded", async () => {
    const p = portal();
    const dir = tmp();
    await client(p, { cacheDir: dir }).validate();
    p.state.down = true;
    expect(await client(p, { cacheDir: dir, publicKey: testKeys().publicKeyPem }).validate()).toMatchObject({ valid: false, code: "UNREACHABLE" });
  });

  it("a garbage cache file reads as empty", async () => {
    const p = portal();
    const c = client(p);
    await c.validate();
    writeFileSync(c.cacheLocation!, "{not json");
    p.state.down = true;
    expect(await c.validate()).toMatchObject({ valid: false, code: "UNREACHABLE" });
  });

  it("keeps the file private to its owner, one file per server and key", async () => {
    const dir = tmp();
    const p = portal();
    await client(p, { cacheDir: dir }).validate();
    await client(p, { cacheDir: dir, licenseKey: "ZP-OTHER-KEY00-00000-00000" }).validate();
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    if (process.platform !== "win32") {
      const { statSync } = await import("node:fs");
      expect(statSync(path.join(dir, files[0]!)).mode & 0o077).toBe(0);
    }
  });
});

describe("tampered and replayed live answers", () => {
  it("a forged answer is rejected and NOT replaced by the saved good answer", async () => {
    const p = portal();
    const dir = tmp();
    await client(p, { cacheDir: dir }).activate();
    // A proxy that answers SUSPENDED, rewritten into VALID.
    p.state.code = "SUSPENDED";
    const rewriting: typeof fetch = async (input, init) => {
      const real = await p(input, init);
      const text = (await real.text()).replace('"valid":false', '"valid":true').replace(/"SUSPENDED"/g, '"VALID"');
      return new Response(text, { status: 200, headers: real.headers });
    };
    const c = client(rewriting, { cacheDir: dir });
    const check = await c.validate();
    expect(check).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE", source: "server" });
    expect(check.message).toMatch(/altered/);
    expect(c.hasEntitlement("core")).toBe(false);
  });

  it("an old genuine VALID answer played back to a new request is rejected (nonce)", async () => {
    const p = portal();
    let recorded: { body: string; headers: Headers } | undefined;
    const replaying: typeof fetch = async (input, init) => {
      if (recorded) return new Response(recorded.body, { status: 200, headers: recorded.headers });
      const real = await p(input, init);
      recorded = { body: await real.text(), headers: real.headers };
      return new Response(recorded.body, { status: 200, headers: recorded.headers });
    };
    const c = client(replaying);
    expect((await c.validate()).valid).toBe(true);
    p.state.code = "SUSPENDED";
    expect(await c.validate()).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE", message: expect.stringMatching(/nonce/) });
  });

  it("a server Date far from this clock is reported as CLOCK_SKEW", async () => {
    const skewed = fakePortal(keys, (_e, body) => ({ json: verdict("VALID", { nonce: body.nonce as string, ts: now(), fingerprint: FP }), date: new Date(clock - 10 * 60_000) }));
    expect(await client(skewed).validate()).toMatchObject({ valid: false, code: "CLOCK_SKEW" });
  });

  it("an answer signed for another path (endpoint confusion) is rejected", async () => {
    const confused = fakePortal(keys, (_e, body, req): Signed =>
      signAnswer(keys, { ...req, path: "/api/v1/licenses/heartbeat" }, verdict("VALID", { nonce: body.nonce as string, ts: now(), fingerprint: FP }), { date: now() }),
    );
    expect(await client(confused).validate()).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE" });
  });
});

describe("deactivate, offline files, heartbeats", () => {
  it("deactivate frees the seat and forgets the saved answer and license file", async () => {
    const p = portal();
    const c = client(p);
    await c.activate();
    await c.checkoutOffline();
    expect(await c.deactivate()).toEqual({ ok: true });
    expect(p.calls.at(-1)).toMatchObject({ endpoint: "deactivate", body: { fingerprint: FP } });
    p.state.down = true;
    expect(await c.validate()).toMatchObject({ valid: false, code: "UNREACHABLE" });
    expect(c.hasEntitlement("core")).toBe(false);
  });

  it("installs a license file from elsewhere only when it is genuine and for this machine", async () => {
    const payload = { license: verdict("VALID", { nonce: null, ts: now(), fingerprint: FP }).license, machine: { fingerprint: FP }, issuedAt: now().toISOString(), expiresAt: new Date(T0 + DAY_MS).toISOString() };
    const c = client(portal());
    expect(c.installOfflineFile(offlineFile(testKeys(), payload))).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE" });
    expect(c.installOfflineFile(offlineFile(keys, { ...payload, machine: { fingerprint: "x" } }))).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE" });
    expect(c.installOfflineFile(offlineFile(keys, payload))).toMatchObject({ valid: true, source: "offline-file" });
  });

  it("the heartbeat loop beats until stopped", async () => {
    const p = portal();
    const c = client(p);
    const seen: boolean[] = [];
    const stop = c.startHeartbeat({ intervalMs: 10, onCheck: (check) => seen.push(check.valid) });
    await new Promise((r) => setTimeout(r, 200));
    stop();
    const beats = p.calls.filter((call) => call.endpoint === "heartbeat").length;
    expect(beats).toBeGreaterThanOrEqual(3);
    expect(seen.every(Boolean)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(p.calls.filter((call) => call.endpoint === "heartbeat").length).toBe(beats);
  });

  it("a heartbeat callback can stop its own loop", async () => {
    const p = portal();
    const c = client(p);
    const stop = c.startHeartbeat({ intervalMs: 5, onCheck: () => stop() });
    await new Promise((r) => setTimeout(r, 100));
    expect(p.calls.filter((call) => call.endpoint === "heartbeat")).toHaveLength(1);
  });
});
