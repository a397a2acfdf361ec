// Thousands of malformed requests over real HTTP to a real server process:
// every answer is a 4xx (never a 5xx), the process stays up, and valid
// requests still succeed afterwards.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { setupTestDatabase } from "../../test/database";
import { createLicense } from "../../test/licenses";
import { spawnApiServer, type SpawnedServer } from "../../test/spawn-api-server";

const database = setupTestDatabase();
let api: SpawnedServer;
beforeAll(async () => {
  api = await spawnApiServer({
    DATABASE_URL: database.url,
    RATE_LIMIT_PER_MINUTE: "0",
    LICENSE_ENCRYPTION_KEY: process.env.LICENSE_ENCRYPTION_KEY!,
    LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY!,
  });
}, 60_000);
afterAll(() => api?.stop());

const PATHS = [
  "/api/v1/licenses/validate",
  "/api/v1/licenses/activate",
  "/api/v1/licenses/deactivate",
  "/api/v1/licenses/heartbeat",
  "/api/v1/licenses/offline",
  "/api/validate",
  "/api/v1/admin/licenses",
  "/api/v1/admin/plans",
];

// A deterministic generator, so a failure can be replayed from its seed.
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function malformedBody(r: () => number, key: string): Buffer {
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const weird = () =>
    pick<unknown>([null, true, 0, -1, 1e308, "", "x".repeat(Math.floor(r() * 70_000)), [], {}, [key], { key }, "\u0000", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", NaN]);
  switch (Math.floor(r() * 8)) {
    case 0:
      return randomBytes(Math.floor(r() * 2048)); // binary noise
    case 1:
      return Buffer.from(`{"key": "${key}", "fingerprint": `); // truncated JSON
    case 2:
      return Buffer.from(JSON.stringify(weird()));
    case 3:
      return Buffer.from(JSON.stringify({ key: weird(), fingerprint: weird(), machine_id: weird(), nonce: weird() }));
    case 4:
      return Buffer.from(JSON.stringify({ key, fingerprint: weird(), entitlements: weird(), product: weird() }));
    case 5:
      return Buffer.from(JSON.stringify({ key, fingerprint: "a".repeat(257), nonce: "n".repeat(65) }));
    case 6:
      return Buffer.from(`{"key":"${key}","fingerprint":"fp","x":${"[".repeat(5000)}${"]".repeat(5000)}}`); // deep nesting
    default:
      return Buffer.from(JSON.stringify({ plan: weird(), email: weird(), maxMachines: weird(), slug: weird(), product: weird() }));
  }
}

it("answers thousands of malformed requests without a single 5xx", async () => {
  const { key } = await createLicense({ maxMachines: 2 });
  const r = rng(42);
  const statuses = new Map<number, number>();
  const total = 3000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < total) {
        sent++;
        const path = PATHS[Math.floor(r() * PATHS.length)]!;
        const body = malformedBody(r, key);
        const res = await fetch(`${api.url}${path}`, {
          method: r() < 0.9 ? "POST" : "PUT",
          headers: { "content-type": r() < 0.8 ? "application/json" : "text/plain", authorization: "Bearer wrong" },
          body: new Uint8Array(body),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const serverErrors = [...statuses].filter(([s]) => s >= 500);
  expect(serverErrors, JSON.stringify(Object.fromEntries(statuses))).toEqual([]);
  expect([...statuses.keys()].every((s) => s >= 200 && s < 500)).toBe(true);
  expect(api.process.exitCode).toBeNull();

  const ok = await fetch(`${api.url}/api/v1/licenses/activate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key, fingerprint: "after-fuzz" }),
  });
  expect(ok.status).toBe(201);
}, 120_000);

it("refuses a body over 16 KiB with a signed 413, and accepts one just under it", async () => {
  const { key } = await createLicense();
  const post = (body: string) =>
    fetch(`${api.url}/api/v1/licenses/validate`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const big = await post(JSON.stringify({ key, pad: "x".repeat(16 * 1024) }));
  expect(big.status).toBe(413);
  expect(big.headers.get("license-signature")).toMatch(/^keyid="/);
  expect(await big.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  const fits = JSON.stringify({ key, pad: "" });
  const under = await post(fits.replace('"pad":""', `"pad":"${"x".repeat(16 * 1024 - fits.length)}"`));
  expect(under.status).toBe(200);
  expect((await under.json()).code).toBe("VALID");
});
