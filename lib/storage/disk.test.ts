// The local disk store's reads: a file that disappears while it is being
// answered (its artifact replaced, its clean-up job run) is still read whole.
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { DiskStore } from "./disk";

const root = await mkdtemp(path.join(os.tmpdir(), "portal-disk-store-"));
afterAll(() => rm(root, { recursive: true, force: true }));

async function read(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("DiskStore.get", () => {
  it("answers null for a key with no file", async () => {
    expect(await new DiskStore(root).get("artifacts/none")).toBeNull();
  });

  it("reads the whole file, or the asked range, even when the file is deleted right after get()", async () => {
    const store = new DiskStore(root);
    const bytes = "0123456789".repeat(10_000);
    await store.put("artifacts/a", Readable.from([Buffer.from(bytes)]));
    const part = await store.get("artifacts/a", { start: 10, end: 19 });
    const whole = await store.get("artifacts/a");
    rmSync(path.join(root, "artifacts/a")); // synchronously: before any read of `whole` could start
    expect(await read(whole!)).toBe(bytes);
    expect(await read(part!)).toBe("0123456789");
    expect(await store.get("artifacts/a")).toBeNull();
  });
});
