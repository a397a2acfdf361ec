// A license whose instants are values no input accepts but PostgreSQL holds
// (`infinity`, BC, years past 9999), written straight into the database: the
// console's license list and page and the customer's /account still render, and
// show the stored values as the ends of 0001-01-01 … 9999-12-31 (README, "Instants
// out of range in the database").
import { expect, test } from "@playwright/test";
import pg from "pg";
import { E2E_ADMIN_TOKEN } from "./global-setup";
import { signIn } from "./mail";

const ADMIN = "instants-admin@example.com"; // an admin by ADMIN_EMAILS (global-setup.ts), so the seeded admin's sign-in budget is not shared

async function sql(text: string, values: unknown[]): Promise<void> {
  // Set by global-setup.ts in every run; without it pg would quietly try a server on localhost:5432.
  const connectionString = process.env.E2E_DATABASE_URL;
  if (!connectionString) throw new Error("E2E_DATABASE_URL is not set: e2e/global-setup.ts did not run");
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

test("the console and /account render a license stored with infinity, BC and year-294276 instants", async ({ browser, request }) => {
  const customer = `extreme-e2e-${Date.now()}@example.com`;
  const issued = await request.post("/api/v1/admin/licenses", {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    data: { plan: "demo-pro-yearly", email: customer },
  });
  expect(issued.status()).toBe(201);
  const { id, key } = (await issued.json()) as { id: string; key: string };
  expect((await request.post("/api/v1/licenses/activate", { data: { key, fingerprint: "fp-e2e", name: "Build box" } })).status()).toBe(201);
  await sql("UPDATE licenses SET expires_at = 'infinity', last_validated_at = '294276-01-01 00:00:00+00' WHERE id = $1", [id]);
  await sql("UPDATE machines SET activated_at = '0044-03-15 12:00:00+00 BC', last_seen_at = '294276-01-01 00:00:00+00' WHERE license_id = $1", [id]);

  const validated = await request.post("/api/v1/licenses/validate", { data: { key, fingerprint: "fp-e2e" } });
  expect(validated.status()).toBe(200);
  const body = await validated.json();
  expect(body.code).toBe("VALID");
  expect(body.license.expiresAt).toBe("9999-12-31T23:59:59.999Z");
  expect(body.machine.activatedAt).toBe("0001-01-01T00:00:00.000Z");

  const admin = await browser.newContext();
  const consolePage = await admin.newPage();
  await signIn(consolePage, ADMIN);
  await consolePage.goto(`/admin/licenses?q=${encodeURIComponent(customer)}`);
  await expect(consolePage.getByRole("heading", { level: 1, name: "Licenses" })).toBeVisible();
  await expect(consolePage.getByText(customer).first()).toBeVisible();
  await consolePage.goto(`/admin/licenses/${id}`);
  await expect(consolePage.getByTestId("license-status")).toHaveText("Active");
  await expect(consolePage.getByText("Dec 31, 9999, 23:59 UTC").first()).toBeVisible();
  await expect(consolePage.getByText("Build box").first()).toBeVisible();
  await admin.close();

  const own = await browser.newContext();
  const portal = await own.newPage();
  await signIn(portal, customer);
  await portal.goto("/account");
  await expect(portal.getByText("Dec 31, 9999").first()).toBeVisible();
  await own.close();
});
