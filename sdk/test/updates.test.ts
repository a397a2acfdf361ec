// checkForUpdate() and `license-portal release publish` against the real releases API (the
// production fast path on a socket, a real PostgreSQL): the CLI ships a release, the SDK finds it,
// verifies the signed answer, and refuses a forged one.
import { createHash, createPublicKey, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, licenseWith, startFastPath, type FastPathServer } from "../../lib/releases/test-kit";
import { setupTestDatabase } from "../../lib/test/database";
import { LicenseClient } from "../src/client.js";
import { runCli } from "../src/commands.js";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();
const publicKey = createPublicKey(process.env.LICENSE_SIGNING_KEY!).export({ type: "spki", format: "pem" }).toString();

let server: FastPathServer;
const dir = mkdtempSync(path.join(os.tmpdir(), "sdk-updates-"));
beforeAll(async () => {
  server = await startFastPath();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { env: { LICENSE_PORTAL_ADMIN_TOKEN: ADMIN_TOKEN }, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("release publish + checkForUpdate", () => {
  it("ships a release from the CLI and offers it, verified, to an activated machine", async () => {
    const { key, product } = await licenseWith({ entitlements: [] });
    const bytes = randomBytes(150_000);
    const file = path.join(dir, "App-2.0.0.AppImage");
    writeFileSync(file, bytes);
    writeFileSync(`${file}.sig`, "c2lnbmF0dXJl\n");
    const shipped = await cli(["release", "publish", "--server", server.url, "--product", product, "--version", "2.0.0", "--notes", "Big one", "--file", `linux/x64=${file}`]);
    expect(shipped.stderr).toContain("published");
    expect(shipped.code).toBe(0);
    expect(JSON.parse(shipped.stdout)).toMatchObject({ version: "2.0.0", status: "PUBLISHED", artifacts: [{ filename: "App-2.0.0.AppImage", sha256: sha256(bytes), signature: "c2lnbmF0dXJl" }] });
    // Re-running continues with the same release instead of failing.
    expect((await cli(["release", "publish", "--server", server.url, "--product", product, "--version", "2.0.0", "--file", `linux/x64=${file}`])).code).toBe(0);
    expect((await cli(["release", "publish", "--server", server.url, "--product", product, "--version", "2.0.1", "--file", `linux/x64=${dir}/missing`])).code).toBe(2);
    expect((await cli(["release", "publish", "--server", server.url, "--product", product, "--version", "2.0.1", "--file", "nonsense"])).code).toBe(2);

    const client = new LicenseClient({ server: server.url, publicKey, licenseKey: key, product, cacheDir: false, fingerprint: "machine-1" });
    const notActivated = await client.checkForUpdate({ currentVersion: "1.0.0", platform: "linux", arch: "x64" });
    expect(notActivated).toMatchObject({ ok: false, code: "NO_MACHINE", httpStatus: 403 });
    expect((await client.activate()).valid).toBe(true);

    const found = await client.checkForUpdate({ currentVersion: "1.0.0", platform: "linux", arch: "x64" });
    expect(found.ok).toBe(true);
    if (!found.ok || !found.update) throw new Error("no update");
    expect(found.update).toMatchObject({ version: "2.0.0", notes: "Big one", channel: "stable" });
    const [artifact] = found.update.artifacts;
    expect(artifact).toMatchObject({ filename: "App-2.0.0.AppImage", size: bytes.length, sha256: sha256(bytes) });
    const downloaded = Buffer.from(await (await fetch(server.url + new URL(artifact!.url).pathname)).arrayBuffer());
    expect(sha256(downloaded)).toBe(artifact!.sha256);

    expect(await client.checkForUpdate({ currentVersion: "2.0.0", platform: "linux", arch: "x64" })).toEqual({ ok: true, update: null });
  });

  it("rejects a forged or replayed update answer as UNTRUSTED_RESPONSE", async () => {
    const { key, product } = await licenseWith({});
    const bytes = randomBytes(100);
    const file = path.join(dir, "tool.exe");
    writeFileSync(file, bytes);
    expect((await cli(["release", "publish", "--server", server.url, "--product", product, "--version", "1.1.0", "--file", `windows/x64=${file}`])).code).toBe(0);
    // A proxy that points the download somewhere else (same length, so only the signature can tell).
    const forging: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const text = (await res.text()).replace(/\/api\/v1\/downloads\//, "/api/v1/download5/");
      return new Response(text, { status: res.status, headers: res.headers });
    };
    const client = new LicenseClient({ server: server.url, publicKey, licenseKey: key, product, cacheDir: false, fetch: forging });
    const forged = await client.checkForUpdate({ currentVersion: "1.0.0", platform: "windows", arch: "x64", withFingerprint: false });
    expect(forged).toMatchObject({ ok: false, code: "UNTRUSTED_RESPONSE" });

    let saved: Response | null = null;
    const replaying: typeof fetch = async (input, init) => {
      if (saved) return saved.clone();
      const res = await fetch(input, init);
      saved = res.clone();
      return res;
    };
    const replayed = new LicenseClient({ server: server.url, publicKey, licenseKey: key, product, cacheDir: false, fetch: replaying });
    expect((await replayed.checkForUpdate({ currentVersion: "1.0.0", platform: "windows", arch: "x64", withFingerprint: false })).ok).toBe(true);
    expect(await replayed.checkForUpdate({ currentVersion: "1.0.0", platform: "windows", arch: "x64", withFingerprint: false })).toMatchObject({ ok: false, code: "UNTRUSTED_RESPONSE" });
  });
});
