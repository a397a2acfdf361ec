// The license API on the production server (the fast path ahead of Next), as
// a vendor's application sees it: signed answers verified with only the public key.
import { expect, test } from "@playwright/test";
import { verifySignedResponse } from "../lib/licensing/signing";
import { E2E_ADMIN_TOKEN } from "./global-setup";

test("a license issued through the admin API activates and validates with signed answers", async ({ request, baseURL }) => {
  const admin = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  const created = await request.post("/api/v1/admin/licenses", { headers: admin, data: { plan: "demo-pro-yearly", email: "e2e@example.com" } });
  expect(created.status()).toBe(201);
  const { key } = await created.json();

  const { publicKey } = await (await request.get("/api/v1/public-key")).json();
  const host = new URL(baseURL!).host;

  const activated = await request.post("/api/v1/licenses/activate", { data: { key, fingerprint: "e2e-machine", name: "CI" } });
  expect(activated.status()).toBe(201);

  const res = await request.post("/api/v1/licenses/validate", { data: { key, fingerprint: "e2e-machine", entitlements: ["sync"], nonce: "e2e-nonce" } });
  expect(res.status()).toBe(200);
  const body = await res.body();
  expect(JSON.parse(body.toString())).toMatchObject({ valid: true, code: "VALID", license: { plan: "demo-pro-yearly", activeMachines: 1 }, meta: { nonce: "e2e-nonce" } });
  const headers = res.headers();
  const verdict = verifySignedResponse(publicKey, { method: "POST", path: "/api/v1/licenses/validate", host }, {
    date: headers["date"],
    digest: headers["digest"],
    signature: headers["license-signature"],
  }, body);
  expect(verdict).toEqual({ ok: true });

  const unauthorized = await request.get("/api/v1/admin/licenses");
  expect(unauthorized.status()).toBe(401);
});

test("the API reference page is generated from the OpenAPI document", async ({ page, request }) => {
  const doc = await (await request.get("/api/v1/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toContain("/api/v1/licenses/validate");

  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API docs" }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("/api/v1/licenses/activate").first()).toBeVisible();
  await expect(page.getByRole("link", { name: /openapi\.json/ }).first()).toHaveAttribute("href", "/api/v1/openapi.json");
});
