// Releases and downloads end to end through the production fast path on a real
// socket: admin API uploads (streamed), the signed latest endpoint, download
// links with ranges, and the gating rules of API.md "Releases and downloads".
import { createHash, randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { FAILSAFE_SCHEMA, load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataDir } from "../config/secrets";
import { db, prisma } from "../db/client";
import { verifySignedResponse } from "../licensing/signing";
import { runtimeKeys } from "../licensing/runtime-keys";
import { setupTestDatabase } from "../test/database";
import { BLOB_CLEANUP_QUEUE, collectFile } from "./blob-cleanup";
import { createDownloadToken } from "./download-tokens";
import { admin, licenseWith, publish, startFastPath, type FastPathServer } from "./test-kit";

process.env.RATE_LIMIT_PER_MINUTE = "0";
delete process.env.S3_BUCKET;
setupTestDatabase();

let server: FastPathServer;
beforeAll(async () => {
  server = await startFastPath();
});
afterAll(() => server.close());

const sha = (alg: "sha256" | "sha512", bytes: Buffer, enc: "hex" | "base64" = "hex") => createHash(alg).update(bytes).digest(enc);
const day = 86_400_000;

async function latest(body: Record<string, unknown>) {
  const res = await fetch(server.url + "/api/v1/releases/latest", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  const raw = Buffer.from(await res.arrayBuffer());
  return { res, raw, json: JSON.parse(raw.toString()) };
}

describe("admin API: releases", () => {
  it("creates a release with the contract's body, orders versions by SemVer and refuses duplicates", async () => {
    const { product } = await licenseWith({});
    const create = (version: string, extra: object = {}) =>
      admin(server.url, "/api/v1/admin/releases", { method: "POST", body: JSON.stringify({ product, version, ...extra }) });
    const res = await create("1.0.0", { notes: "First", entitlements: ["pro", "pro"] });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      id: expect.any(String),
      product,
      version: "1.0.0",
      channel: "stable",
      notes: "First",
      entitlements: ["pro"],
      status: "PUBLISHED",
      publishedAt: expect.any(String),
      yankedAt: null,
      createdAt: expect.any(String),
      artifacts: [],
    });
    for (const v of ["1.10.0", "1.9.0", "1.10.0-rc.1", "1.10.0-beta.11", "1.10.0-beta.2"]) expect((await create(v)).status).toBe(201);
    expect((await create("1.0.0")).status).toBe(409);
    expect((await create("1.9.0+build.7")).status).toBe(409); // equal precedence
    expect((await create("v1.2.3")).status).toBe(400);
    expect((await create("1.2")).status).toBe(400);
    expect((await create("1.2.3", { channel: "nightly" })).status).toBe(400);
    expect((await admin(server.url, "/api/v1/admin/releases", { method: "POST", body: JSON.stringify({ product: "no-such-product", version: "1.0.0" }) })).status).toBe(400);

    const list = await (await admin(server.url, `/api/v1/admin/releases?product=${product}`)).json();
    expect(list.data.map((r: { version: string }) => r.version)).toEqual(["1.10.0", "1.10.0-rc.1", "1.10.0-beta.11", "1.10.0-beta.2", "1.9.0", "1.0.0"]);
  });

  it("uploads an artifact streamed, hashes it, replaces it by name, and yanks with DELETE", async () => {
    const { product } = await licenseWith({});
    const release = await publish(server.url, { product, version: "2.0.0" }, []);
    const bytes = randomBytes(300_000);
    const put = (body: Buffer, q = "platform=linux&arch=x64") =>
      admin(server.url, `/api/v1/admin/releases/${release.id}/artifacts/App%20${"\u00e9"}.AppImage?${q}`, { method: "PUT", body: new Uint8Array(body) });
    const res = await put(bytes);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      id: expect.any(String),
      filename: "App \u00e9.AppImage",
      platform: "linux",
      arch: "x64",
      size: bytes.length,
      sha256: sha("sha256", bytes),
      sha512: sha("sha512", bytes),
      signature: null,
    });
    const again = randomBytes(1000);
    const replaced = await put(again);
    expect(replaced.status).toBe(200);
    expect((await replaced.json()).sha256).toBe(sha("sha256", again));
    // The replaced object goes through the cleanup job queued with the replacement (blob-cleanup.test.ts
    // runs the workers); run here what was queued for now: one object for one artifact.
    const due = await db().query(`SELECT data->>'storageKey' AS key FROM job_outbox WHERE name = $1 AND start_after IS NULL`, [BLOB_CLEANUP_QUEUE]);
    for (const { key } of due.rows) await collectFile({ storageKey: key });
    expect(await readdir(path.join(dataDir(), "blobs", "artifacts", release.id))).toHaveLength(1);

    expect((await put(bytes, "platform=beos&arch=x64")).status).toBe(400);
    expect((await put(bytes, "platform=linux")).status).toBe(400);
    expect((await put(Buffer.alloc(0))).status).toBe(400);
    const unknown = await admin(server.url, `/api/v1/admin/releases/00000000-0000-4000-8000-000000000000/artifacts/x.bin?platform=any&arch=any`, { method: "PUT", body: "x" });
    expect(unknown.status).toBe(404);
    const noToken = await fetch(`${server.url}/api/v1/admin/releases/${release.id}/artifacts/x.bin?platform=any&arch=any`, { method: "PUT", body: "x" });
    expect(noToken.status).toBe(401);

    const yanked = await admin(server.url, `/api/v1/admin/releases/${release.id}`, { method: "DELETE" });
    expect(yanked.status).toBe(200);
    expect(await yanked.json()).toMatchObject({ status: "YANKED", yankedAt: expect.any(String) });
    expect(await prisma().auditLog.count({ where: { targetId: release.id } })).toBe(4); // create, upload, replace, yank
  });

  it("refuses an artifact over ARTIFACT_MAX_BYTES with 413 and keeps neither row nor object", async () => {
    const { product } = await licenseWith({});
    const release = await publish(server.url, { product, version: "1.0.0" }, []);
    process.env.ARTIFACT_MAX_BYTES = "1000";
    try {
      const declared = await admin(server.url, `/api/v1/admin/releases/${release.id}/artifacts/big.bin?platform=any&arch=any`, { method: "PUT", body: new Uint8Array(randomBytes(5000)) });
      expect(declared.status).toBe(413);
      // Without a Content-Length (chunked), the limit is counted as bytes arrive.
      const chunked = await admin(server.url, `/api/v1/admin/releases/${release.id}/artifacts/big.bin?platform=any&arch=any`, {
        method: "PUT",
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(randomBytes(500)));
            c.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(413);
    } finally {
      delete process.env.ARTIFACT_MAX_BYTES;
    }
    expect(await prisma().artifact.count({ where: { releaseId: release.id } })).toBe(0);
    const dir = path.join(dataDir(), "blobs", "artifacts", release.id);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });
});

describe("POST /api/v1/releases/latest and download links", () => {
  it("offers the newest allowed release, signed, with links that serve the exact bytes and ranges", async () => {
    const { key, product } = await licenseWith({ entitlements: ["pro"] });
    const win = randomBytes(100_000);
    const mac = randomBytes(50_000);
    await publish(server.url, { product, version: "1.2.0" }, [{ name: "old.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    await publish(server.url, { product, version: "1.10.0", notes: "Faster" }, [
      { name: "App-1.10.0.exe", platform: "windows", arch: "x64", bytes: win },
      { name: "App-1.10.0.dmg", platform: "darwin", arch: "universal", bytes: mac },
    ]);
    await publish(server.url, { product, version: "2.0.0-beta.1", channel: "beta" }, [{ name: "beta.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    await publish(server.url, { product, version: "3.0.0", entitlements: ["enterprise"] }, [{ name: "ent.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    await publish(server.url, { product, version: "4.0.0", publishedAt: new Date(Date.now() + day).toISOString() }, [{ name: "future.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);

    const { res, raw, json } = await latest({ key, product, platform: "windows", arch: "x64", nonce: "n1" });
    expect(res.status).toBe(200);
    const host = new URL(server.url).host;
    const publicKey = runtimeKeys().signing.publicKeyPem;
    expect(
      verifySignedResponse(publicKey, { method: "POST", path: "/api/v1/releases/latest", host }, {
        date: res.headers.get("date")!,
        digest: res.headers.get("digest")!,
        signature: res.headers.get("license-signature")!,
      }, raw),
    ).toEqual({ ok: true });
    expect(json).toEqual({
      release: {
        version: "1.10.0",
        channel: "stable",
        notes: "Faster",
        publishedAt: expect.any(String),
        artifacts: [
          {
            filename: "App-1.10.0.exe",
            platform: "windows",
            arch: "x64",
            size: win.length,
            sha256: sha("sha256", win),
            sha512: sha("sha512", win),
            signature: null,
            url: expect.stringMatching(/\/api\/v1\/downloads\/[\w-]+\.[\w-]+$/),
            expiresAt: expect.any(String),
          },
        ],
      },
      meta: { ts: expect.any(String), nonce: "n1" },
    });
    const expiresIn = Date.parse(json.release.artifacts[0].expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(600_000);

    const link = server.url + new URL(json.release.artifacts[0].url).pathname;
    const full = await fetch(link);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-length")).toBe(String(win.length));
    expect(full.headers.get("content-disposition")).toContain('filename="App-1.10.0.exe"');
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect(sha("sha256", Buffer.from(await full.arrayBuffer()))).toBe(sha("sha256", win));

    const part = await fetch(link, { headers: { Range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${win.length}`);
    expect(part.headers.get("content-length")).toBe("100");
    expect(Buffer.from(await part.arrayBuffer()).equals(win.subarray(100, 200))).toBe(true);
    const open = await fetch(link, { headers: { Range: `bytes=${win.length - 10}-` } });
    expect(Buffer.from(await open.arrayBuffer()).equals(win.subarray(win.length - 10))).toBe(true);
    const suffix = await fetch(link, { headers: { Range: "bytes=-5" } });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(win.subarray(win.length - 5))).toBe(true);
    const beyond = await fetch(link, { headers: { Range: `bytes=${win.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${win.length}`);
    const head = await fetch(link, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(win.length));

    // Beta channel sees the beta; a current version at the newest gets null; macOS gets the universal build.
    expect((await latest({ key, product, platform: "windows", arch: "x64", channel: "beta" })).json.release.version).toBe("2.0.0-beta.1");
    expect((await latest({ key, product, platform: "windows", arch: "x64", currentVersion: "1.10.0" })).json.release).toBeNull();
    expect((await latest({ key, product, platform: "windows", arch: "x64", currentVersion: "1.9.0" })).json.release.version).toBe("1.10.0");
    expect((await latest({ key, product, platform: "darwin", arch: "arm64" })).json.release.artifacts[0].filename).toBe("App-1.10.0.dmg");
    expect((await latest({ key, product, platform: "linux", arch: "x64" })).json.release).toBeNull();

    // Only the full GET counts: the ranges resumed mid-file and the HEAD are not new downloads.
    const counted = await prisma().releaseDownload.aggregate({ _sum: { downloads: true }, where: { artifact: { filename: "App-1.10.0.exe" } } });
    expect(counted._sum.downloads).toBe(1);
  });

  it("answers 403 with the validation body for a license that may not download, 404 for an unknown key, 400 for bad input", async () => {
    const suspended = await licenseWith({ status: "SUSPENDED" });
    await publish(server.url, { product: suspended.product, version: "1.0.0" }, [{ name: "a.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    const refused = await latest({ key: suspended.key, product: suspended.product, platform: "windows", arch: "x64" });
    expect(refused.res.status).toBe(403);
    expect(refused.json).toMatchObject({ valid: false, code: "SUSPENDED", license: { id: suspended.license.id } });
    expect(refused.res.headers.get("license-signature")).toBeTruthy();

    const other = await licenseWith({});
    expect((await latest({ key: other.key, product: suspended.product, platform: "windows", arch: "x64" })).json.code).toBe("PRODUCT_MISMATCH");
    const unknown = await latest({ key: "ZP-AAAAA-AAAAA-AAAAA-AAAAA", product: suspended.product, platform: "windows", arch: "x64" });
    expect(unknown.res.status).toBe(404);
    expect(unknown.json.code).toBe("NOT_FOUND");
    expect((await latest({ key: other.key, product: other.product, platform: "windows" })).res.status).toBe(400);
    expect((await latest({ key: other.key, product: other.product, platform: "windows", arch: "x64", currentVersion: "latest" })).res.status).toBe(400);
    // The shared text type (API.md "Input domain"), as on the license API: U+0000 and unpaired
    // surrogates are malformed input, not a lookup (the key and fingerprint answered 404 / 403, the nonce 200).
    for (const [field, value] of [["key", `${other.key}\u0000`], ["key", "\ud800"], ["fingerprint", "fp-\udc00"], ["nonce", "n\u0000"], ["nonce", "\ud800"]] as const) {
      const bad = await latest({ key: other.key, product: other.product, platform: "windows", arch: "x64", [field]: value });
      expect({ field, value, status: bad.res.status, code: bad.json.error?.code }).toEqual({ field, value, status: 400, code: "BAD_REQUEST" });
      expect(bad.res.headers.get("license-signature")).toBeTruthy();
    }

    const gated = await licenseWith({ entitlements: [] });
    await publish(server.url, { product: gated.product, version: "1.0.0", entitlements: ["pro"] }, [{ name: "p.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    const missing = await latest({ key: gated.key, product: gated.product, platform: "windows", arch: "x64" });
    expect(missing.res.status).toBe(403);
    expect(missing.json.code).toBe("ENTITLEMENTS_MISSING");
  });

  it("answers 410 for an expired link, 403 for a forged or altered one", async () => {
    const { key, product } = await licenseWith({});
    await publish(server.url, { product, version: "1.0.0" }, [{ name: "a.bin", platform: "any", arch: "any", bytes: randomBytes(64) }]);
    const artifact = await prisma().artifact.findFirstOrThrow({ where: { release: { product: { slug: product } } } });
    const expired = createDownloadToken({ artifactId: artifact.id, licenseId: null, expiresAt: new Date(Date.now() - 1000) });
    const res = await fetch(`${server.url}/api/v1/downloads/${expired}`);
    expect(res.status).toBe(410);
    const good = (await latest({ key, product, platform: "linux", arch: "x64" })).json.release.artifacts[0].url as string;
    const token = good.split("/").pop()!;
    const [payload, mac] = token.split(".");
    const altered = Buffer.from(JSON.stringify({ a: artifact.id, l: null, e: 99999999999 })).toString("base64url");
    for (const forged of [`${altered}.${mac}`, `${payload}.${"A".repeat(43)}`, "nonsense", `${payload}`, "%E0%A4%A"]) {
      expect((await fetch(`${server.url}/api/v1/downloads/${forged}`)).status).toBe(403);
    }
    expect((await fetch(server.url + new URL(good).pathname, { method: "POST" })).status).toBe(405);
  });
});

describe("perpetual fallback", () => {
  it("keeps an expired MAINTAIN license on releases published before its expiry, and nothing newer", async () => {
    const expiresAt = new Date(Date.now() - 10 * day);
    const maintain = await licenseWith({ expiresAt, expirationStrategy: "MAINTAIN" });
    const { product } = maintain;
    await publish(server.url, { product, version: "1.0.0", publishedAt: new Date(Date.now() - 30 * day).toISOString() }, [{ name: "1.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    await publish(server.url, { product, version: "1.1.0", publishedAt: new Date(Date.now() - 20 * day).toISOString() }, [{ name: "11.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    await publish(server.url, { product, version: "2.0.0", publishedAt: new Date(Date.now() - 5 * day).toISOString() }, [{ name: "2.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);

    const offer = await latest({ key: maintain.key, product, platform: "windows", arch: "x64" });
    expect(offer.res.status).toBe(200);
    expect(offer.json.release.version).toBe("1.1.0");
    expect((await latest({ key: maintain.key, product, platform: "windows", arch: "x64", currentVersion: "1.1.0" })).json.release).toBeNull();

    const validate = async (key: string, version?: string) =>
      (await (await fetch(server.url + "/api/v1/licenses/validate", { method: "POST", body: JSON.stringify({ key, version }) })).json()).code;
    expect(await validate(maintain.key, "1.0.0")).toBe("VALID");
    expect(await validate(maintain.key, "1.1.0")).toBe("VALID");
    expect(await validate(maintain.key, "2.0.0")).toBe("EXPIRED");
    expect(await validate(maintain.key, "9.9.9")).toBe("EXPIRED");
    expect(await validate(maintain.key)).toBe("EXPIRED");

    // RESTRICT (the default) keeps nothing; MAINTAIN does not survive suspension.
    const restricted = await licenseWith({ expiresAt });
    await publish(server.url, { product: restricted.product, version: "1.0.0", publishedAt: new Date(Date.now() - 30 * day).toISOString() }, [{ name: "r.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    const refused = await latest({ key: restricted.key, product: restricted.product, platform: "windows", arch: "x64" });
    expect(refused.res.status).toBe(403);
    expect(refused.json.code).toBe("EXPIRED");
    expect(await validate(restricted.key, "1.0.0")).toBe("EXPIRED");

    await prisma().license.update({ where: { id: maintain.license.id }, data: { status: "SUSPENDED" } });
    expect((await latest({ key: maintain.key, product, platform: "windows", arch: "x64" })).json.code).toBe("SUSPENDED");
    expect(await validate(maintain.key, "1.0.0")).toBe("SUSPENDED");
  });
});

describe("update feeds", () => {
  it("serves electron-updater's latest*.yml with base64 sha512 and resolvable file URLs", async () => {
    const { key, product } = await licenseWith({});
    const exe = randomBytes(70_000);
    const zip = randomBytes(40_000);
    const appImage = randomBytes(30_000);
    await publish(server.url, { product, version: "1.4.0", notes: "Line one\nline: two" }, [
      { name: "App Setup 1.4.0.exe", platform: "windows", arch: "x64", bytes: exe },
      { name: "App Setup 1.4.0.exe.blockmap", platform: "windows", arch: "x64", bytes: randomBytes(100) },
      { name: "App-1.4.0-arm64-mac.zip", platform: "darwin", arch: "arm64", bytes: zip },
      { name: "App-1.4.0.AppImage", platform: "linux", arch: "x64", bytes: appImage },
    ]);
    await publish(server.url, { product, version: "1.5.0-beta.1", channel: "beta" }, [{ name: "App Setup 1.5.0-beta.1.exe", platform: "windows", arch: "x64", bytes: randomBytes(100) }]);
    const feed = `${server.url}/api/v1/updates/electron/${product}/`;
    const auth = { Authorization: `License ${key}` };

    const res = await fetch(feed + "latest.yml", { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("yaml");
    const info = load(await res.text(), { schema: FAILSAFE_SCHEMA }) as { version: string; files: { url: string; sha512: string; size: string }[]; path: string; sha512: string; releaseDate: string; releaseNotes: string };
    expect(info.version).toBe("1.4.0");
    expect(info.files).toHaveLength(1);
    expect(info.files[0]!.sha512).toBe(sha("sha512", exe, "base64"));
    expect(Number(info.files[0]!.size)).toBe(exe.length);
    expect(info.sha512).toBe(info.files[0]!.sha512);
    expect(info.releaseNotes).toBe("Line one\nline: two");
    expect(new Date(info.releaseDate).toISOString()).toBe(info.releaseDate);
    // Relative to the feed: with the link's own token, with the header, and with ?key= as electron-updater copies it.
    const fileUrl = new URL(info.files[0]!.url, feed);
    expect(fileUrl.pathname).toBe(new URL(feed).pathname + "App%20Setup%201.4.0.exe");
    const viaToken = Buffer.from(await (await fetch(fileUrl)).arrayBuffer());
    expect(sha("sha512", viaToken, "base64")).toBe(info.files[0]!.sha512);
    const plain = new URL(fileUrl.pathname, feed);
    expect((await fetch(plain, { headers: auth })).status).toBe(200);
    plain.search = `?key=${encodeURIComponent(key)}`;
    const viaKey = await fetch(plain, { headers: { Range: "bytes=0-9" } });
    expect(viaKey.status).toBe(206);
    expect(Buffer.from(await viaKey.arrayBuffer()).equals(exe.subarray(0, 10))).toBe(true);
    expect((await fetch(new URL(fileUrl.pathname, feed))).status).toBe(401);

    const macInfo = load(await (await fetch(feed + `latest-mac.yml?key=${key}`)).text()) as { files: { url: string; sha512: string }[] };
    expect(macInfo.files.map((f) => f.url.split("?")[0])).toEqual(["App-1.4.0-arm64-mac.zip"]);
    expect(macInfo.files[0]!.sha512).toBe(sha("sha512", zip, "base64"));
    const linux = load(await (await fetch(feed + "latest-linux.yml", { headers: auth })).text()) as { version: string; files: { sha512: string }[] };
    expect(linux.files[0]!.sha512).toBe(sha("sha512", appImage, "base64"));
    expect((await fetch(feed + "latest-linux-arm64.yml", { headers: auth })).status).toBe(404);
    const beta = load(await (await fetch(feed + "beta.yml", { headers: auth })).text()) as { version: string };
    expect(beta.version).toBe("1.5.0-beta.1");

    expect((await fetch(feed + "latest.yml")).status).toBe(401);
    expect((await fetch(feed + "latest.yml", { headers: { Authorization: "License ZP-AAAAA-AAAAA-AAAAA-AAAAA" } })).status).toBe(404);
    const revoked = await licenseWith({ status: "REVOKED" });
    expect((await fetch(feed + "latest.yml", { headers: { Authorization: `License ${revoked.key}` } })).status).toBe(403);
  });

  it("answers Tauri's updater: 204 when current, else the signed update", async () => {
    const { key, product } = await licenseWith({});
    await publish(server.url, { product, version: "0.9.0" }, [{ name: "app.app.tar.gz", platform: "darwin", arch: "arm64", bytes: randomBytes(10), signature: "old-sig" }]);
    const bundle = randomBytes(20_000);
    await publish(server.url, { product, version: "1.0.0", notes: "New" }, [
      { name: "app_1.0.0_aarch64.app.tar.gz", platform: "darwin", arch: "arm64", bytes: bundle, signature: "dW50cnVzdGVkIGNvbW1lbnQ=" },
      { name: "app_1.0.0_amd64.AppImage", platform: "linux", arch: "x64", bytes: randomBytes(10) }, // unsigned: not for Tauri
    ]);
    const tauri = (target: string, arch: string, current: string, headers: Record<string, string> = { Authorization: `License ${key}` }) =>
      fetch(`${server.url}/api/v1/updates/tauri/${product}/${target}/${arch}/${current}`, { headers });

    const update = await tauri("darwin", "aarch64", "0.9.0");
    expect(update.status).toBe(200);
    const json = await update.json();
    expect(json).toEqual({ version: "1.0.0", notes: "New", pub_date: expect.any(String), url: expect.stringContaining("/api/v1/downloads/"), signature: "dW50cnVzdGVkIGNvbW1lbnQ=" });
    expect(new Date(json.pub_date).toISOString()).toBe(json.pub_date);
    const got = Buffer.from(await (await fetch(server.url + new URL(json.url).pathname)).arrayBuffer());
    expect(got.equals(bundle)).toBe(true);

    expect((await tauri("darwin", "aarch64", "1.0.0")).status).toBe(204);
    expect((await tauri("darwin", "aarch64", "1.2.0")).status).toBe(204);
    expect((await tauri("linux", "x86_64", "0.1.0")).status).toBe(204);
    expect((await tauri("windows", "i686", "0.1.0")).status).toBe(204);
    expect((await tauri("darwin", "aarch64", "not-a-version")).status).toBe(400);
    expect((await tauri("plan9", "aarch64", "0.9.0")).status).toBe(400);
    expect((await tauri("darwin", "aarch64", "0.9.0", {})).status).toBe(401);
    const byQuery = await fetch(`${server.url}/api/v1/updates/tauri/${product}/darwin/aarch64/0.9.0?key=${encodeURIComponent(key)}`);
    expect(byQuery.status).toBe(200);
  });
});

describe("portal downloads", () => {
  it("lists the newest release per platform and the history the license may have, and mints links only for those", async () => {
    const { downloadsForLicense, portalDownloadPath } = await import("./portal");
    const owner = await licenseWith({ expiresAt: new Date(Date.now() - day), expirationStrategy: "MAINTAIN" });
    const { product } = owner;
    await publish(server.url, { product, version: "1.0.0", publishedAt: new Date(Date.now() - 9 * day).toISOString() }, [
      { name: "a-1.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) },
      { name: "a-1.dmg", platform: "darwin", arch: "universal", bytes: randomBytes(10) },
    ]);
    await publish(server.url, { product, version: "1.1.0", publishedAt: new Date(Date.now() - 3 * day).toISOString() }, [{ name: "a-11.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]);
    await publish(server.url, { product, version: "2.0.0" }, [{ name: "a-2.exe", platform: "windows", arch: "x64", bytes: randomBytes(10) }]); // after expiry

    const downloads = await downloadsForLicense(owner.user.id, owner.license.id);
    expect(downloads!.latest.map((l) => [l.platform, l.release.version])).toEqual([["windows", "1.1.0"], ["darwin", "1.0.0"]]);
    expect(downloads!.history.map((r) => r.version)).toEqual(["1.1.0", "1.0.0"]);
    const stranger = await licenseWith({});
    expect(await downloadsForLicense(stranger.user.id, owner.license.id)).toBeNull();

    const newer = await prisma().artifact.findFirstOrThrow({ where: { filename: "a-2.exe", release: { product: { slug: product } } } });
    const older = await prisma().artifact.findFirstOrThrow({ where: { filename: "a-11.exe", release: { product: { slug: product } } } });
    expect(await portalDownloadPath(owner.user.id, owner.license.id, newer.id)).toBeNull();
    const path = await portalDownloadPath(owner.user.id, owner.license.id, older.id);
    expect((await fetch(server.url + path!)).status).toBe(200);
    expect(await portalDownloadPath(stranger.user.id, owner.license.id, older.id)).toBeNull();
  });
});
