// Test helpers for the releases tests: the production fast path on a real
// HTTP server (so uploads and downloads stream through real sockets), and admin
// API calls with the environment token.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { handleFastRoute } from "../server/fast-routes";
import { prisma } from "../db/client";
import { createLicense, type PlanInput } from "../test/licenses";

export const ADMIN_TOKEN = `test-admin-${randomBytes(8).toString("hex")}`;

export type FastPathServer = { url: string; close: () => Promise<void> };

export async function startFastPath(): Promise<FastPathServer> {
  process.env.ADMIN_API_TOKEN = ADMIN_TOKEN;
  const server = http.createServer((req, res) => {
    handleFastRoute(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const admin = (base: string, path: string, init: RequestInit = {}) =>
  fetch(base + path, {
    ...init,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json", ...(init.headers ?? {}) },
  });

/** A license on a new plan and product, optionally with the plan's expiration strategy. */
export async function licenseWith(input: PlanInput & { expiresAt?: Date | null; status?: "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXPIRED"; expirationStrategy?: "RESTRICT" | "MAINTAIN" }) {
  const made = await createLicense(input);
  if (input.expirationStrategy) await prisma().plan.update({ where: { id: made.plan.id }, data: { expirationStrategy: input.expirationStrategy } });
  return { ...made, product: made.plan.product.slug };
}

/** Creates a release through the admin API and uploads artifacts to it; returns its JSON. */
export async function publish(
  base: string,
  release: { product: string; version: string; channel?: string; entitlements?: string[]; publishedAt?: string; notes?: string },
  files: { name: string; platform: string; arch: string; bytes: Buffer; signature?: string }[],
) {
  const created = await admin(base, "/api/v1/admin/releases", { method: "POST", body: JSON.stringify(release) });
  if (created.status !== 201) throw new Error(`release not created: ${created.status} ${await created.text()}`);
  const json = (await created.json()) as { id: string };
  for (const f of files) {
    const q = new URLSearchParams({ platform: f.platform, arch: f.arch, ...(f.signature ? { signature: f.signature } : {}) });
    const res = await admin(base, `/api/v1/admin/releases/${json.id}/artifacts/${encodeURIComponent(f.name)}?${q}`, {
      method: "PUT",
      body: new Uint8Array(f.bytes),
      headers: { "Content-Type": "application/octet-stream" },
    });
    if (res.status !== 201) throw new Error(`artifact not stored: ${res.status} ${await res.text()}`);
  }
  return json;
}
