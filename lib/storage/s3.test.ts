// The S3 store against a real S3-compatible server (s3rver, started here) through
// the AWS SDK, and the releases API on top of it: uploads stream to the bucket,
// download links redirect to presigned URLs that serve the bytes and ranges.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../test/database";
import { licenseWith, publish, startFastPath, type FastPathServer } from "../releases/test-kit";
import { S3Store } from "./s3";
import { blobStore } from "./store";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();

let s3: { close: () => Promise<void> };
let dir: string;
let server: FastPathServer;
const bucket = "artifacts-test";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "s3rver-"));
  const instance = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const address = (await instance.run()) as AddressInfo;
  s3 = instance;
  Object.assign(process.env, {
    S3_BUCKET: bucket,
    S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
    S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_PREFIX: "portal/",
  });
  server = await startFastPath();
});

afterAll(async () => {
  await server?.close();
  await s3?.close();
  for (const name of ["S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX"]) delete process.env[name];
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const read = async (stream: Readable) => Buffer.concat(await stream.toArray());

describe("S3Store", () => {
  it("is chosen when S3_BUCKET is set, and streams objects in with and without a known length", async () => {
    const store = blobStore();
    expect(store.kind).toBe("s3");
    const small = randomBytes(1234);
    await store.put("t/small", Readable.from([small]), small.length);
    expect((await read((await store.get("t/small"))!)).equals(small)).toBe(true);
    // Unknown length and more than one part (parts are 5 MiB): a multipart upload.
    const big = randomBytes(11 * 1024 * 1024 + 7);
    const chunks = Array.from({ length: Math.ceil(big.length / 65536) }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536));
    await store.put("t/big", Readable.from(chunks));
    expect(sha256(await read((await store.get("t/big"))!))).toBe(sha256(big));
    expect((await read((await store.get("t/big", { start: 10, end: 19 }))!)).equals(big.subarray(10, 20))).toBe(true);

    const listed = await (store as S3Store).client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(["portal/t/big", "portal/t/small"]);
    await store.delete("t/big");
    expect(await store.get("t/big")).toBeNull();
  });

  it("presigns GETs that serve the bytes with the file name", async () => {
    const store = blobStore();
    const bytes = randomBytes(500);
    await store.put("t/named", Readable.from([bytes]), bytes.length);
    const url = await store.directUrl("t/named", { filename: "App Setup 1.0.exe", expiresInSeconds: 60 });
    expect(url).toContain("X-Amz-Signature=");
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("App Setup 1.0.exe");
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe("releases on S3", () => {
  it("stores uploads in the bucket and redirects download links to presigned URLs that honour Range", async () => {
    const { key, product } = await licenseWith({});
    const bytes = randomBytes(200_000);
    await publish(server.url, { product, version: "1.0.0" }, [{ name: "app.AppImage", platform: "linux", arch: "x64", bytes }]);
    const latest = await (
      await fetch(server.url + "/api/v1/releases/latest", { method: "POST", body: JSON.stringify({ key, product, platform: "linux", arch: "x64" }) })
    ).json();
    const artifact = latest.release.artifacts[0];
    expect(artifact.sha256).toBe(sha256(bytes));
    const link = server.url + new URL(artifact.url).pathname;
    const redirect = await fetch(link, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toContain(process.env.S3_ENDPOINT!);
    const followed = await fetch(link);
    expect(sha256(Buffer.from(await followed.arrayBuffer()))).toBe(sha256(bytes));
    const ranged = await fetch(link, { headers: { Range: "bytes=1000-1999" } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
  });
});
