// The SDK against the real license API in its own process, on a real PostgreSQL: online, offline
// (the server stopped), back online, and behind a proxy that lies.
import { spawn } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db/client";
import { setupTestDatabase } from "../../lib/test/database";
import { createLicense } from "../../lib/test/licenses";
import { spawnApiServer, type SpawnedServer } from "../../lib/test/spawn-api-server";
import { LicenseClient, type LicenseClientOptions } from "../src/client.js";
import { runCli } from "../src/commands.js";
import { DAY_MS } from "../src/grace.js";
import type { LicenseCheck } from "../src/types.js";
import { verifyOfflineFile } from "../src/verify.js";
import { Forwarder, LyingProxy } from "./net.js";

process.env.RATE_LIMIT_PER_MINUTE = "0";
const database = setupTestDatabase();
const publicKey = createPublicKey(process.env.LICENSE_SIGNING_KEY!).export({ type: "spki", format: "pem" }).toString();

let server: SpawnedServer | null = null;
const forwarder = new Forwarder();
const serverEnv = () => ({
  DATABASE_URL: database.url,
  RATE_LIMIT_PER_MINUTE: "0",
  LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
  LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
  AUTH_SECRET: process.env.AUTH_SECRET ?? "test",
});

async function goOnline() {
  server = await spawnApiServer(serverEnv());
  forwarder.setUpstream(server.url);
  await forwarder.listen();
}

/** The server process stops and its address refuses connections: the network is gone. */
async function goOffline() {
  await forwarder.close();
  await server?.stop();
  server = null;
}

beforeAll(goOnline, 60_000);
afterAll(goOffline);

let offsetMs = 0;
const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sdk-it-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function client(key: string, extra: Partial<LicenseClientOptions> = {}) {
  return new LicenseClient({
    server: forwarder.url,
    publicKey,
    licenseKey: key,
    appId: "sdk-integration",
    cacheDir: tmp(),
    now: () => new Date(Date.now() + offsetMs),
    ...extra,
  });
}

const activeMachines = (licenseId: string) => prisma().machine.count({ where: { licenseId, deactivatedAt: null } });
const setStatus = (id: string, status: "ACTIVE" | "SUSPENDED") => prisma().license.update({ where: { id }, data: { status } });

describe("online → offline → back online", () => {
  it("activates, validates, stays licensed within the grace while the server is down, fails closed after, recovers", async () => {
    const { key, license, plan } = await createLicense({ maxMachines: 2, entitlements: ["core", "export"], offlineGraceDays: 7 });
    const cacheDir = tmp();
    const c = client(key, { product: plan.product.slug, cacheDir });

    const activated = await c.activate();
    expect(activated).toMatchObject({ valid: true, code: "VALID", source: "server", httpStatus: 201 });
    expect(activated.machine?.fingerprint).toBe(c.fingerprint);
    expect(await activeMachines(license.id)).toBe(1);
    expect(c.hasEntitlement("export")).toBe(true);
    expect(c.hasEntitlement("team")).toBe(false);
    expect((await c.activate()).httpStatus).toBe(200); // idempotent

    const validated = await c.validate();
    expect(validated).toMatchObject({ valid: true, code: "VALID", source: "server", httpStatus: 200 });
    const answeredAt = validated.serverTime!.getTime();

    await goOffline();
    try {
      const offline = await c.validate();
      expect(offline).toMatchObject({ valid: true, code: "VALID", source: "cache" });
      expect(offline.offlineReason).toBeTruthy();
      expect(offline.validUntil!.getTime()).toBe(answeredAt + 7 * DAY_MS);
      expect(c.hasEntitlement("export")).toBe(true);

      // A restarted application reads the saved answer from disk and verifies it again.
      const restarted = client(key, { product: plan.product.slug, cacheDir });
      offsetMs = 6 * DAY_MS;
      expect(await restarted.validate()).toMatchObject({ valid: true, source: "cache" });

      offsetMs = 7 * DAY_MS + 60_000;
      expect(await restarted.validate()).toMatchObject({ valid: false, code: "GRACE_EXPIRED" });
      expect(restarted.hasEntitlement("export")).toBe(false);

      // Turning the clock back to get the grace again is caught.
      offsetMs = 0;
      expect(await restarted.validate()).toMatchObject({ valid: false, code: "CLOCK_ROLLBACK" });
    } finally {
      offsetMs = 0;
      await goOnline();
    }

    const back = await c.validate();
    expect(back).toMatchObject({ valid: true, code: "VALID", source: "server" });
    expect(back.serverTime!.getTime()).toBeGreaterThan(answeredAt);
  });

  it("a refusal seen online is kept offline: SUSPENDED is not overridden by the earlier good answer or license file", async () => {
    const { key, license } = await createLicense({ offlineGraceDays: 7 });
    const c = client(key);
    expect((await c.activate()).valid).toBe(true);
    const file = await c.checkoutOffline();
    expect(file.ok).toBe(true);

    await setStatus(license.id, "SUSPENDED");
    expect(await c.validate()).toMatchObject({ valid: false, code: "SUSPENDED", source: "server" });

    await goOffline();
    try {
      expect(await c.validate()).toMatchObject({ valid: false, code: "SUSPENDED", source: "cache" });
    } finally {
      await goOnline();
    }
    await setStatus(license.id, "ACTIVE");
    expect((await c.validate()).valid).toBe(true);
  });

  it("an offline license file carries a machine without any saved answer", async () => {
    const { key } = await createLicense({ offlineGraceDays: 3 });
    const cacheDir = tmp();
    const c = client(key, { cacheDir });
    await c.activate();
    const file = await c.checkoutOffline();
    if (!file.ok) throw new Error(file.message);
    expect(file.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3 * DAY_MS - 60_000);
    expect(verifyOfflineFile(publicKey, file.certificate, c.fingerprint).ok).toBe(true);

    // Another installation on the same machine gets only the file.
    const elsewhere = client(key, { fingerprint: c.fingerprint });
    expect(elsewhere.installOfflineFile(file.certificate)).toMatchObject({ valid: true, source: "offline-file" });
    await goOffline();
    try {
      offsetMs = 2 * DAY_MS;
      expect(await elsewhere.validate()).toMatchObject({ valid: true, source: "offline-file" });
      offsetMs = 4 * DAY_MS;
      expect(await elsewhere.validate()).toMatchObject({ valid: false, code: "GRACE_EXPIRED" });
    } finally {
      offsetMs = 0;
      await goOnline();
    }
  });

  it("deactivate frees the seat and forgets what was saved", async () => {
    const { key, license } = await createLicense({ maxMachines: 1 });
    const c = client(key);
    await c.activate();
    expect(await activeMachines(license.id)).toBe(1);
    expect(await c.deactivate()).toEqual({ ok: true });
    expect(await activeMachines(license.id)).toBe(0);
    expect(await c.deactivate()).toMatchObject({ ok: false, code: "NOT_ACTIVE", httpStatus: 404 });
    expect(await c.validate()).toMatchObject({ valid: false, code: "NO_MACHINE", source: "server" });
    // The seat is free for another machine.
    expect((await client(key, { fingerprint: "another-machine" }).activate()).valid).toBe(true);
  });

  it("reports the contract's refusals: NOT_FOUND, TOO_MANY_MACHINES, PRODUCT_MISMATCH", async () => {
    expect(await client("ZP-XXXXX-XXXXX-XXXXX-XXXXX").validate()).toMatchObject({ valid: false, code: "NOT_FOUND", httpStatus: 200 });
    expect(await client("ZP-XXXXX-XXXXX-XXXXX-XXXXX").activate()).toMatchObject({ valid: false, code: "NOT_FOUND", httpStatus: 404 });
    const { key } = await createLicense({ maxMachines: 1 });
    expect((await client(key, { fingerprint: "one" }).activate()).valid).toBe(true);
    expect(await client(key, { fingerprint: "two" }).activate()).toMatchObject({ valid: false, code: "TOO_MANY_MACHINES", httpStatus: 403 });
    expect(await client(key, { fingerprint: "one", product: "another-product" }).validate()).toMatchObject({ valid: false, code: "PRODUCT_MISMATCH" });
  });

  it("keeps a floating seat with the heartbeat loop (deadline moves forward)", async () => {
    const { key } = await createLicense({ floating: true, heartbeatSeconds: 10, maxMachines: 1 });
    const c = client(key);
    const first = await c.activate();
    expect(first.machine?.heartbeatDeadline).toBeTruthy();
    const checks: LicenseCheck[] = [];
    const stop = c.startHeartbeat({ onCheck: (check) => checks.push(check) });
    try {
      // The default period is a third of the 10 s deadline: the immediate beat, then one ~3.3 s later.
      const started = Date.now();
      while (checks.length < 2 && Date.now() - started < 8000) await new Promise((r) => setTimeout(r, 100));
    } finally {
      stop();
    }
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks.every((check) => check.valid && check.source === "server")).toBe(true);
    const deadlines = checks.map((check) => Date.parse(check.machine!.heartbeatDeadline!));
    expect(deadlines[1]!).toBeGreaterThan(Date.parse(first.machine!.heartbeatDeadline!));
    // Offline, a floating seat lasts only until its deadline, not the 7-day grace.
    expect(checks.at(-1)!.validUntil!.getTime()).toBe(deadlines.at(-1));
  }, 20_000);
});

describe("a proxy that lies", () => {
  const proxy = new LyingProxy(() => forwarder.url);
  beforeAll(() => proxy.listen());
  afterAll(() => proxy.close());

  it('rewriting "SUSPENDED" into "VALID" gets nowhere: the answer is rejected and the app is not licensed', async () => {
    const { key, license } = await createLicense({ offlineGraceDays: 7, entitlements: ["export"] });
    const cacheDir = tmp();
    const viaProxy = client(key, { server: proxy.url, cacheDir });
    proxy.mode = "rewrite";
    expect(await viaProxy.activate()).toMatchObject({ valid: true, source: "server" }); // nothing to rewrite yet

    await setStatus(license.id, "SUSPENDED");
    proxy.rewrites = 0;
    const lied = await viaProxy.validate();
    expect(proxy.rewrites).toBe(1);
    // The lie itself was convincing: the forged body says VALID.
    expect(JSON.parse(proxy.lastForgedBody!)).toMatchObject({ valid: true, code: "VALID", license: { status: "VALID" } });
    expect(lied).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE", source: "server" });
    expect(viaProxy.hasEntitlement("export")).toBe(false);
    // The forged answer was not saved: a restart offline does not turn it into a license either.
    expect(await viaProxy.heartbeat()).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE" });

    proxy.mode = "rewrite-and-digest";
    expect(await viaProxy.validate()).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE", message: expect.stringMatching(/signature/) });

    // Without the proxy, the truth.
    expect(await client(key, { cacheDir }).validate()).toMatchObject({ valid: false, code: "SUSPENDED", source: "server" });
  });

  it("playing back an earlier genuine VALID answer gets nowhere (nonce)", async () => {
    const { key, license } = await createLicense();
    const replayProxy = new LyingProxy(() => forwarder.url);
    await replayProxy.listen();
    try {
      const viaProxy = client(key, { server: replayProxy.url });
      replayProxy.mode = "replay";
      await viaProxy.activate();
      expect((await viaProxy.validate()).valid).toBe(true); // recorded
      await setStatus(license.id, "SUSPENDED");
      expect(await viaProxy.validate()).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE", message: expect.stringMatching(/nonce/) });
      expect(replayProxy.rewrites).toBe(1);
    } finally {
      await replayProxy.close();
    }
  });

  it("an answer signed by another key (a fake portal) gets nowhere", async () => {
    const { key } = await createLicense();
    const { generateKeyPairSync } = await import("node:crypto");
    const wrongKey = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(await client(key, { publicKey: wrongKey }).activate()).toMatchObject({ valid: false, code: "UNTRUSTED_RESPONSE", message: expect.stringMatching(/pinned key/) });
  });
});

describe("the CLI", () => {
  it("activate, status, offline, deactivate against the server, with clear exit codes", async () => {
    const { key, plan } = await createLicense({ maxMachines: 1, entitlements: ["core"] });
    const dir = tmp();
    const pem = path.join(dir, "portal.pem");
    writeFileSync(pem, publicKey);
    const base = ["--server", forwarder.url, "--key", key, "--public-key", pem, "--product", plan.product.slug, "--cache-dir", path.join(dir, "cache")];
    const run = async (...args: string[]) => {
      let stdout = "";
      let stderr = "";
      const code = await runCli(args, { env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      return { code, stdout, stderr };
    };

    expect(await run("activate", ...base)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^VALID: /) });
    const status = await run("status", ...base, "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ valid: true, code: "VALID", source: "server", license: { entitlements: ["core"] } });

    const out = path.join(dir, "license.lic");
    expect(await run("offline", ...base, "--out", out)).toMatchObject({ code: 0, stdout: expect.stringMatching(/valid until/) });
    expect(verifyOfflineFile(publicKey, readFileSync(out, "utf8")).ok).toBe(true);
    expect(await run("status", ...base, "--local")).toMatchObject({ code: 0 });

    expect(await run("deactivate", ...base)).toMatchObject({ code: 0, stdout: expect.stringMatching(/Deactivated/) });
    expect(await run("status", ...base)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^NO_MACHINE: /) });
    expect(await run("status", ...base.slice(0, 1), "http://127.0.0.1:1", ...base.slice(2))).toMatchObject({ code: 3, stderr: expect.stringMatching(/^UNREACHABLE/) });
    expect(await run("status", "--server", forwarder.url, "--product", "x")).toMatchObject({ code: 2, stderr: expect.stringMatching(/--key/) });
    expect(await run("frobnicate", ...base)).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command/) });
  });

  it("pins the server's key on first use when none is given, and prints the fingerprint", async () => {
    const { key } = await createLicense();
    const dir = tmp();
    let stderr = "";
    const io = { env: { LICENSE_KEY: key, LICENSE_SERVER: forwarder.url, LICENSE_APP_ID: "sdk-cli" }, stdout: () => {}, stderr: (t: string) => (stderr += t) };
    expect(await runCli(["activate", "--cache-dir", dir], io)).toBe(0);
    expect(stderr).toMatch(/Pinned the server's key [0-9a-f]{16}/);
    stderr = "";
    expect(await runCli(["status", "--cache-dir", dir], io)).toBe(0);
    expect(stderr).not.toMatch(/Pinned/);

    let printed = "";
    expect(await runCli(["fingerprint", "--app-id", "sdk-cli", "--server", forwarder.url], { env: {}, stdout: (t) => (printed += t) })).toBe(0);
    expect(printed.trim()).toBe(client(key, { appId: "sdk-cli" }).fingerprint);
  });

  it("runs as a program (the bin entry)", async () => {
    const cli = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "sdk/src/cli.ts", ...args], { cwd: path.resolve(import.meta.dirname, "../.."), env: { ...process.env, ...env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c));
        child.stderr.on("data", (c: Buffer) => (stderr += c));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    const printed = await cli(["public-key", "--server", forwarder.url], {});
    expect(printed.code).toBe(0);
    expect(createPublicKey(printed.stdout).export({ type: "spki", format: "pem" }).toString()).toBe(publicKey);
    const usage = await cli(["status"], { LICENSE_SERVER: "", LICENSE_KEY: "" });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--server/);
  });
});

describe("a fresh Node project that installs only sdk/ and runs the example", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const app = path.join(tmp(), "app");
  const cacheDir = tmp();

  beforeAll(async () => {
    // What `npm pack` ships ("files": dist + README.md + package.json), built from the sources.
    const pkg = path.join(app, "node_modules", "@license-portal", "client");
    const built = await run(path.join(root, "node_modules", ".bin", "tsc"), ["-p", path.join(root, "sdk", "tsconfig.json"), "--outDir", path.join(pkg, "dist")], {});
    if (built.code !== 0) throw new Error(`sdk build failed: ${built.stdout}${built.stderr}`);
    cpSync(path.join(root, "sdk", "package.json"), path.join(pkg, "package.json"));
    cpSync(path.join(root, "sdk", "README.md"), path.join(pkg, "README.md"));
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "fresh-app", private: true, type: "module" }));
    cpSync(path.join(root, "sdk", "examples", "basic-app.mjs"), path.join(app, "basic-app.mjs"));
    writeFileSync(path.join(app, "portal-public-key.pem"), publicKey);
  }, 120_000);

  function run(command: string, args: string[], env: Record<string, string>, cwd = app) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(command, args, { cwd: existsSync(cwd) ? cwd : root, env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: os.homedir(), ...env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c));
      child.stderr.on("data", (c: Buffer) => (stderr += c));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }
  const example = (env: Record<string, string>) => run(process.execPath, ["basic-app.mjs"], { LICENSE_CACHE_DIR: cacheDir, ...env });

  it("the package has no runtime dependency and exports the client", async () => {
    const manifest = JSON.parse(readFileSync(path.join(app, "node_modules/@license-portal/client/package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    const probe = await run(process.execPath, ["--input-type=module", "-e", 'const m = await import("@license-portal/client"); console.log(Object.keys(m).sort().join(","))'], {});
    expect(probe.code).toBe(0);
    expect(probe.stdout).toMatch(/LicenseClient/);
    expect(probe.stdout).toMatch(/fetchPublicKey/);
    expect(probe.stdout).toMatch(/machineFingerprint/);
  });

  it("starts with a valid license and enables the feature by entitlement; survives losing the network", async () => {
    const { key, plan } = await createLicense({ entitlements: ["core", "export"] });
    const env = { LICENSE_KEY: key, LICENSE_SERVER: forwarder.url, LICENSE_PRODUCT: plan.product.slug };
    const online = await example(env);
    expect(online).toMatchObject({ code: 0, stdout: expect.stringMatching(/licensed .*online/) });
    expect(online.stdout).toMatch(/Export: enabled/);

    // An explicit key file works the same as the default one beside the app.
    expect((await example({ ...env, LICENSE_PUBLIC_KEY_FILE: path.join(app, "portal-public-key.pem") })).code).toBe(0);
    // The network is lost: the same server address refuses connections.
    await goOffline();
    try {
      const lost = await example(env);
      expect(lost).toMatchObject({ code: 0, stdout: expect.stringMatching(/offline, until/) });
      expect(lost.stdout).toMatch(/Export: enabled/);
    } finally {
      await goOnline();
    }
  });

  it("leaves the feature off without the entitlement", async () => {
    const { key, plan } = await createLicense({ entitlements: ["core"] });
    const result = await example({ LICENSE_KEY: key, LICENSE_SERVER: forwarder.url, LICENSE_PRODUCT: plan.product.slug });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/Export: not included/) });
  });

  it("refuses to start without a valid license, and when a proxy rewrites SUSPENDED into VALID", async () => {
    expect(await example({ LICENSE_SERVER: forwarder.url })).toMatchObject({ code: 2, stderr: expect.stringMatching(/LICENSE_KEY/) });
    const { key, license, plan } = await createLicense({ entitlements: ["export"] });
    const env = { LICENSE_KEY: key, LICENSE_SERVER: forwarder.url, LICENSE_PRODUCT: plan.product.slug };
    expect((await example(env)).code).toBe(0);
    await setStatus(license.id, "SUSPENDED");
    expect(await example(env)).toMatchObject({ code: 1, stderr: expect.stringMatching(/Not licensed \(SUSPENDED\)/) });

    const proxy = new LyingProxy(() => forwarder.url);
    await proxy.listen();
    try {
      proxy.mode = "rewrite";
      const lied = await example({ ...env, LICENSE_SERVER: proxy.url });
      expect(proxy.rewrites).toBeGreaterThan(0);
      expect(lied).toMatchObject({ code: 1, stderr: expect.stringMatching(/Not licensed \(UNTRUSTED_RESPONSE\)/) });
      expect(lied.stdout).not.toMatch(/Export: enabled/);
    } finally {
      await proxy.close();
    }
  });
});
