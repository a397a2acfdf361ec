/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON, checked field by field */
// Every reader of a license survives the instants PostgreSQL holds and JavaScript
// or our inputs do not (±infinity, BC years, 10000+), written straight into the
// tables (lib/test/extreme-instants.ts): the license API, its Lemon
// Squeezy-compatible twin and the admin API over real HTTP, the webhook payload a
// change records, the key email, and the loaders behind the console's and the
// portal's pages. Each answers 200 and shows the stored value as the nearer end
// of 0001-01-01T00:00:00.000Z … 9999-12-31T23:59:59.999Z (lib/db/stored-instants.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDashboard } from "../admin/dashboard";
import { getCustomer } from "../admin/customers";
import { loadLicensePage } from "../admin/license-page";
import { parseLicenseSearch, searchLicenses } from "../admin/license-search";
import { releasesWithDownloads } from "../admin/releases";
import { eventSearchSchema, listStripeEvents } from "../admin/stripe-events";
import { queueLicenseEmail } from "../email/messages";
import { getLicenseForUser, listLicensesForUser } from "../portal/licenses";
import { handleFastRoute } from "../server/fast-routes";
import { setupTestDatabase } from "../test/database";
import { EXTREME_INSTANTS, storeInstantEverywhere } from "../test/extreme-instants";
import { createPlan } from "../test/licenses";
import { db, prisma } from "./client";

process.env.RATE_LIMIT_PER_MINUTE = "0";
process.env.ADMIN_API_TOKEN = "stored-instants-token";
setupTestDatabase();

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    void handleFastRoute(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function request(method: string, path: string, body?: unknown, form = false): Promise<{ status: number; json: any; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${process.env.ADMIN_API_TOKEN}`, accept: "application/json" };
  let payload: string | undefined;
  if (body !== undefined) {
    headers["content-type"] = form ? "application/x-www-form-urlencoded" : "application/json";
    payload = form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
  }
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV and other text answers
  }
  return { status: res.status, json, text };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(EXTREME_INSTANTS)("a license whose instants are all stored as %s", (literal, shown) => {
  let license: { id: string; key: string; userId: string; email: string; product: string };

  beforeAll(async () => {
    const plan = await createPlan({ maxMachines: 3, floating: true });
    const email = `extreme-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const issued = await request("POST", "/api/v1/admin/licenses", { plan: plan.slug, email });
    expect(issued.status).toBe(201);
    const key = issued.json.key as string;
    expect((await request("POST", "/api/v1/licenses/activate", { key, fingerprint: "fp-old" })).status).toBe(201);
    expect((await request("POST", "/v1/licenses/activate", { license_key: key, instance_name: "ls-box" }, true)).status).toBe(200);
    expect((await request("POST", "/api/v1/admin/releases", { product: plan.product.slug, version: "1.0.0" })).status).toBe(201);
    const user = await prisma().user.findUniqueOrThrow({ where: { email } });
    await prisma().payment.create({ data: { userId: user.id, licenseId: issued.json.id, amountCents: 5000, currency: "jpy", stripeCheckoutSessionId: `cs_${issued.json.id}` } });
    await prisma().stripeEvent.create({ data: { id: `evt_${issued.json.id}`, type: "checkout.session.completed", status: "PROCESSED", payload: {} } });
    license = { id: issued.json.id, key, userId: user.id, email, product: plan.product.slug };
    await storeInstantEverywhere(license.id, literal);
  });

  it("license API: validate, activate, heartbeat and offline answer (signed) without a 5xx and show the expiry", async () => {
    const validate = await request("POST", "/api/v1/licenses/validate", { key: license.key, fingerprint: "fp-old" });
    expect(validate.status).toBe(200);
    expect(validate.json.license.expiresAt).toBe(shown);
    expect(validate.json.code).toBe(shown.startsWith("9999") ? "VALID" : "EXPIRED");
    if (validate.json.machine) expect(validate.json.machine.activatedAt).toBe(shown);
    for (const path of ["/api/v1/licenses/activate", "/api/v1/licenses/heartbeat", "/api/v1/licenses/offline"]) {
      const res = await request("POST", path, { key: license.key, fingerprint: "fp-new" });
      expect(res.status, path).toBeLessThan(500);
      expect(res.json, path).toBeTruthy();
    }
  });

  it("Lemon Squeezy-compatible endpoints answer in their shapes with the expiry", async () => {
    const res = await request("POST", "/v1/licenses/validate", { license_key: license.key }, true);
    expect(res.status).toBeLessThan(500);
    // Lemon Squeezy writes microseconds: 2024-05-24T14:15:07.000000Z.
    const lsShown = shown.replace(/Z$/, "000Z");
    expect(res.json.license_key.expires_at).toBe(lsShown);
    expect(res.json.license_key.created_at).toBe(lsShown);
    const activate = await request("POST", "/v1/licenses/activate", { license_key: license.key, instance_name: "another" }, true);
    expect(activate.status).toBeLessThan(500);
  });

  it("admin API: list, get, customers, exports and releases answer 200 with the instants shown", async () => {
    const list = await request("GET", `/api/v1/admin/licenses?email=${encodeURIComponent(license.email)}`);
    expect(list.status).toBe(200);
    expect(list.json.data[0].expiresAt).toBe(shown);
    expect(list.json.data[0].createdAt).toBe(shown);
    const one = await request("GET", `/api/v1/admin/licenses/${license.id}`);
    expect(one.status).toBe(200);
    expect(one.json.license.expiresAt).toBe(shown);
    // The machines stored before (the later ones were activated by the tests above, now).
    const stored = one.json.machines.filter((m: any) => m.fingerprint === "fp-old" || m.name === "ls-box");
    expect(stored).toHaveLength(2);
    for (const machine of stored) expect(machine.activatedAt).toBe(shown);
    for (const machine of one.json.machines) expect(machine.lastSeenAt).toMatch(ISO);
    expect((await request("GET", `/api/v1/admin/customers?email=${encodeURIComponent(license.email)}`)).status).toBe(200);
    for (const kind of ["licenses", "machines", "customers"]) {
      for (const format of ["json", "csv"]) {
        const res = await request("GET", `/api/v1/admin/export/${kind}?format=${format}`);
        expect(res.status, `${kind}.${format}`).toBe(200);
        expect(res.text, `${kind}.${format}`).not.toContain("Invalid");
      }
    }
    const releases = await request("GET", `/api/v1/admin/releases?product=${license.product}`);
    expect(releases.status).toBe(200);
    expect(releases.json.data[0].publishedAt).toBe(shown);
  });

  it("a change records its webhook event with the expiry shown, and the key email says it", async () => {
    const patched = await request("PATCH", `/api/v1/admin/licenses/${license.id}`, { maxMachines: 4 });
    expect(patched.status).toBe(200);
    const { rows } = await db().query<{ payload: any }>(
      `SELECT payload FROM webhook_events WHERE type = 'license.updated' AND payload->'data'->'license'->>'id' = $1`,
      [license.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.data.license.expiresAt).toBe(shown);
    const deliveries = await request("GET", `/api/v1/admin/webhook-endpoints`);
    expect(deliveries.status).toBe(200);

    const row = await prisma().license.findUniqueOrThrow({ where: { id: license.id } });
    const emailId = await prisma().$transaction((tx) =>
      queueLicenseEmail(tx, { to: license.email, productName: "P", planName: "Plan", key: license.key, expiresAt: row.expiresAt, occasion: "resend" }),
    );
    expect(emailId).toBeTruthy();
  });

  it("the console's loaders and the portal's read it (license page, list, customers, dashboard, events, releases, /account)", async () => {
    const page = await loadLicensePage(license.id);
    expect(page).not.toBeNull();
    expect(JSON.stringify(page)).toContain(shown);
    const list = await searchLicenses(parseLicenseSearch({ q: license.email }));
    expect(list.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(list)).toContain(shown);
    expect(await getCustomer(license.userId)).not.toBeNull();
    for (const range of [7, 30, 90] as const) await loadDashboard(range);
    expect((await listStripeEvents(eventSearchSchema.parse({}))).items.length).toBeGreaterThan(0);
    const releases = await releasesWithDownloads();
    expect(JSON.stringify(releases)).toContain(shown);
    const mine = await listLicensesForUser(license.userId);
    expect(JSON.stringify(mine)).toContain(shown);
    const detail = await getLicenseForUser(license.userId, license.id);
    expect(JSON.stringify(detail)).toContain(shown);
  });
});
