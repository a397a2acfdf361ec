// Issue 14, items 3 and 4, in a browser: a free trial started from the pricing page
// (email, magic link, trial license) and converted by buying the plan (same key);
// a subscription given more seats and moved to another plan through Stripe (the
// local emulator), each change reaching the license through the webhook.
import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./global-setup";
import { firstLink, inboxIds, signIn, waitForMail } from "./mail";

const KEY = /ZP(-[A-HJ-NP-Z2-9]{5}){4}/;
const ADMIN = "trial-admin@example.com"; // an admin by ADMIN_EMAILS (global-setup.ts), with a sign-in budget of its own
const adminApi = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const TRIAL_TITLE = /^Free trial, ends \d{4}-\d{2}-\d{2}$/;

test("a visitor starts a free trial with their email, uses it, then buys the plan: the same key keeps working", async ({ page, request, browser, baseURL }) => {
  // Two sign-ins (customer and admin), a trial, a checkout: longer than the default minute on a loaded machine.
  test.setTimeout(180_000);
  const email = `trial-${Date.now()}@example.com`;
  await page.goto("/pricing");
  await page.getByRole("link", { name: "Start a 14-day free trial of Demo App Solo" }).click();
  await expect(page.getByRole("heading", { name: "Try Demo App Solo free" })).toBeVisible();

  const before = await inboxIds();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a link to start the trial" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const signInMail = await waitForMail((m) => !before.has(m.id) && m.to.includes(email) && m.subject.startsWith("Sign in to"));
  await page.goto(firstLink(signInMail.text));
  await page.getByRole("button", { name: "Sign in" }).click();

  // Back on the trial page, signed in: one press issues the trial license.
  await expect(page).toHaveURL(/\/trial\/demo-solo$/);
  await page.getByRole("button", { name: "Start my 14-day trial" }).click();
  await expect(page).toHaveURL(/\/account\/licenses\/[0-9a-f-]{36}\?trial=started$/);
  await expect(page.getByRole("heading", { name: "Demo App — Solo" })).toBeVisible();
  await expect(page.getByRole("note")).toContainText("Free trial until");

  // The vendor sees it is a trial: a badge in the console's list and on the license page, and the admin API says so.
  const licenseId = /\/account\/licenses\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  const admin = await browser.newPage({ baseURL });
  await signIn(admin, ADMIN);
  await admin.goto(`/admin/licenses?email=${encodeURIComponent(email)}`);
  await expect(admin.locator(`tr[data-license="${licenseId}"]`).getByTitle(TRIAL_TITLE)).toHaveText(/^Trial/);
  await admin.goto(`/admin/licenses/${licenseId}`);
  await expect(admin.getByTitle(TRIAL_TITLE)).toBeVisible();
  await expect(admin.getByText("Trial ends", { exact: true })).toBeVisible();
  const trialItem = await (await request.get(`/api/v1/admin/licenses/${licenseId}`, { headers: adminApi })).json();
  expect(trialItem.license).toMatchObject({ trial: true, trialEndsAt: trialItem.license.expiresAt });
  expect(trialItem.license.trialEndsAt).not.toBeNull();

  const keyMail = await waitForMail((m) => m.to.includes(email) && m.subject === "Your license key for Demo App Solo");
  expect(keyMail.text).toContain("Your free trial of Demo App Solo has started.");
  const key = KEY.exec(keyMail.text)![0];
  const activated = await request.post("/api/v1/licenses/activate", { data: { key, fingerprint: `trial-machine-${Date.now()}` } });
  expect(activated.status()).toBe(201);
  const trialBody = await activated.json();
  expect(trialBody.license.expiresAt).not.toBeNull();

  // Converting: buy Solo from the license page; Stripe's checkout; back on the same license.
  await page.getByRole("button", { name: "Buy — $49.00" }).click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/account\/licenses\/[0-9a-f-]{36}\?upgrade=cs_/);
  await expect(page.getByText("Payment received: your license is on the plan you bought, with the same key and machines.")).toBeVisible();
  await expect(page.getByRole("note")).toHaveCount(0);

  const validated = await request.post("/api/v1/licenses/validate", { data: { key, fingerprint: trialBody.machine.fingerprint } });
  expect(await validated.json()).toMatchObject({ valid: true, code: "VALID", license: { plan: "demo-solo", expiresAt: null, activeMachines: 1 } });

  // Bought: no longer a trial, for the vendor either.
  await admin.reload();
  await expect(admin.getByText("Never (perpetual)", { exact: true })).toBeVisible();
  await expect(admin.getByText("Trial ends", { exact: true })).toHaveCount(0);
  await expect(admin.getByTitle(TRIAL_TITLE)).toHaveCount(0);
  const bought = await (await request.get(`/api/v1/admin/licenses/${licenseId}`, { headers: adminApi })).json();
  expect(bought.license).toMatchObject({ trial: false, trialEndsAt: null, expiresAt: null });
  await admin.close();
});

test("a subscriber buys more seats, then moves to another plan, from the license page", async ({ page }) => {
  const email = `subscriber-${Date.now()}@example.com`;
  await signIn(page, email);
  await page.goto("/pricing");
  await page.getByRole("button", { name: "Buy Demo App Pro" }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByText("Your license is ready.")).toBeVisible();
  await page.getByRole("link", { name: "Manage your license" }).click();
  await page.getByRole("link", { name: /Machines and downloads/ }).first().click();
  await expect(page.getByRole("heading", { name: "Demo App — Pro" })).toBeVisible();
  await expect(page.getByTestId("seats")).toHaveText("0 of 3 in use");

  // More seats: two units of Pro's three machines.
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Change subscription" }).click();
  await expect(page.getByText("Your subscription was changed; Stripe charged or credited the difference.")).toBeVisible();
  await expect(page.getByTestId("seats")).toHaveText("0 of 6 in use");

  // Another plan: Team, one unit.
  await page.getByLabel("Plan", { exact: true }).selectOption("demo-team-floating");
  await page.getByLabel("Quantity").fill("1");
  await page.getByRole("button", { name: "Change subscription" }).click();
  await expect(page.getByRole("heading", { name: "Demo App — Team" })).toBeVisible();
  await expect(page.getByTestId("seats")).toHaveText("0 of 10 in use (floating)");
});
