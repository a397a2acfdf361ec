// The whole purchase, as a guest: pricing → Stripe Checkout (the local
// emulator, driven by the official SDK) → pay → success page → the email with
// the key → the key validates through the license API.
import { expect, test } from "@playwright/test";
import { signIn, waitForMail } from "./mail";

test("a guest buys the Solo plan, gets the key by email, and it validates", async ({ page, request }) => {
  const email = `buyer-${Date.now()}@example.com`;
  await page.goto("/pricing");
  await page.getByRole("button", { name: "Buy Demo App Solo" }).click();

  // Stripe's hosted checkout page (the emulator's).
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Pay" }).click();

  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_/);
  await expect(page.getByText("Your license is ready — check your email.")).toBeVisible();

  const mail = await waitForMail((m) => m.to.includes(email) && m.subject.startsWith("Your license key for"));
  const key = /ZP(-[A-HJ-NP-Z2-9]{5}){4}/.exec(mail.text)?.[0];
  expect(key, mail.text).toBeTruthy();
  expect(mail.text).toContain("/signin");

  const res = await request.post("/api/v1/licenses/validate", { data: { key, product: "demo-app" } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ valid: true, code: "VALID", license: { plan: "demo-solo", expiresAt: null, maxMachines: 1 } });
});

test("canceling on the checkout page returns to pricing without a charge", async ({ page }) => {
  await page.goto("/pricing");
  await page.getByRole("button", { name: "Buy Demo App Pro" }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/\/pricing\?canceled=1$/);
  await expect(page.getByText("Checkout was canceled; you were not charged.")).toBeVisible();
});

test("a signed-in customer buys Pro: the success page shows the key, and the license is theirs", async ({ page }) => {
  await signIn(page, "customer@example.com");

  await page.goto("/pricing");
  await page.getByRole("button", { name: "Buy Demo App Pro" }).click();
  // Stripe already knows the signed-in customer's email.
  await expect(page.getByText("customer@example.com")).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByText("Your license is ready.")).toBeVisible();
  const key = await page.getByTestId("purchased-key").textContent();
  expect(key).toMatch(/^ZP(-[A-HJ-NP-Z2-9]{5}){4}$/);

  await page.getByRole("link", { name: "Manage your license" }).click();
  await expect(page.getByRole("heading", { name: "My licenses" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Demo App — Pro" })).toHaveCount(2);
});
