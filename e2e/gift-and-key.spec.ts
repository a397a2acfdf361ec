// Issue 14 in a real browser: a customer replaces a leaked key (the old key is
// refused at once, the machines keep their seats under the new one, the new key
// arrives by email), then gives the license to someone else, who opens the
// emailed link signed out, signs in as that address and accepts it.
import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./global-setup";
import { firstLink, inboxIds, signIn, waitForMail } from "./mail";

const KEY = /ZP-[A-HJ-NP-Z2-9]{5}(-[A-HJ-NP-Z2-9]{5}){3}/;
const admin = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const PLAN = "Demo App — Pro";

const validate = async (request: APIRequestContext, key: string, fingerprint: string) =>
  (await request.post("/api/v1/licenses/validate", { data: { key, fingerprint } })).json();

test("a customer regenerates a leaked key, then gives the license to someone who accepts it from the emailed link", async ({ page, browser, request }) => {
  const tag = randomBytes(4).toString("hex");
  const giver = `giver.${tag}@example.com`;
  const heir = `heir.${tag}@example.com`;

  // A license with two machines on it, issued through the admin API.
  const issued = await request.post("/api/v1/admin/licenses", { headers: admin, data: { plan: "demo-pro-yearly", email: giver } });
  expect(issued.status()).toBe(201);
  const { id, key: oldKey } = await issued.json();
  for (const fingerprint of ["e2e-gift-desk", "e2e-gift-laptop"]) {
    expect((await request.post("/api/v1/licenses/activate", { data: { key: oldKey, fingerprint, name: fingerprint } })).status()).toBe(201);
  }

  await signIn(page, giver);
  await page.goto(`/account/licenses/${id}`);
  await expect(page.getByRole("heading", { level: 1, name: PLAN })).toBeVisible();

  // Regenerate: asks first, then shows the new key once and emails it.
  const mailsBefore = await inboxIds();
  await page.getByRole("button", { name: "Regenerate key…" }).click();
  await expect(page.getByRole("button", { name: "Yes, new key" })).toBeFocused();
  await page.getByRole("button", { name: "Yes, new key" }).click();
  await expect(page.getByTestId("new-key")).toHaveText(KEY);
  const newKey = (await page.getByTestId("new-key").textContent())!;
  expect(newKey).not.toBe(oldKey);
  await expect(page.getByRole("status").filter({ hasText: `The old key (…${oldKey.slice(-5)}) no longer works` })).toBeVisible();

  expect(await validate(request, oldKey, "e2e-gift-desk")).toMatchObject({ valid: false, code: "NOT_FOUND" });
  const oldActivation = await request.post("/api/v1/licenses/activate", { data: { key: oldKey, fingerprint: "e2e-gift-other" } });
  expect(oldActivation.status()).toBe(404);
  expect(await validate(request, newKey, "e2e-gift-laptop")).toMatchObject({ valid: true, code: "VALID", license: { activeMachines: 2 } });
  const keyMail = await waitForMail((m) => !mailsBefore.has(m.id) && m.to.includes(giver) && m.text.includes(newKey));
  expect(keyMail.text).toContain("the old key no longer works");

  // The page now shows the new key's hint, and both machines still hold their seats.
  await page.reload();
  await expect(page.getByTestId("license-key")).toContainText(newKey.slice(-5));
  await expect(page.getByRole("table", { name: "Machines using this license" }).getByRole("row").filter({ hasText: "e2e-gift-" })).toHaveCount(2);

  // Give it away: the receiver gets a link; until they accept, the license stays the giver's.
  await page.getByLabel("Their email address").fill(heir.toUpperCase());
  await page.getByRole("button", { name: "Send gift link" }).click();
  await expect(page.getByRole("status").filter({ hasText: `A link to accept the license is on its way to ${heir}.` })).toBeVisible();
  await expect(page.getByTestId("pending-gift")).toContainText(`Offered to ${heir}`);
  const giftMail = await waitForMail((m) => m.to.includes(heir) && m.subject.includes("is waiting for you"));
  const giftLink = firstLink(giftMail.text);
  expect(giftLink).toMatch(/\/account\/gifts\/[A-Za-z0-9_-]{43}$/);

  // The receiver, in a browser of their own, opens the link signed out: sign in first, then back to the gift.
  const heirContext = await browser.newContext();
  const heirPage = await heirContext.newPage();
  await heirPage.goto(giftLink);
  await expect(heirPage).toHaveURL(/\/signin\?callbackUrl=/);
  const beforeSignIn = await inboxIds();
  await heirPage.getByLabel("Email address").fill(heir);
  await heirPage.getByRole("button", { name: "Email me a sign-in link" }).click();
  const signInMail = await waitForMail((m) => !beforeSignIn.has(m.id) && m.to.includes(heir) && m.subject.startsWith("Sign in to"));
  await heirPage.goto(firstLink(signInMail.text));
  await heirPage.getByRole("button", { name: "Sign in" }).click();
  await expect(heirPage).toHaveURL(giftLink);
  await expect(heirPage.getByText(`${giver} is giving ${heir} their license for`)).toBeVisible();
  await heirPage.getByRole("button", { name: "Accept the license" }).click();
  await expect(heirPage.getByRole("status").filter({ hasText: "The license is yours now." })).toBeVisible();
  await heirPage.getByRole("link", { name: "Open the license" }).click();
  await expect(heirPage.getByRole("heading", { level: 1, name: PLAN })).toBeVisible();
  await expect(heirPage.getByRole("table", { name: "Machines using this license" }).getByRole("row").filter({ hasText: "e2e-gift-" })).toHaveCount(2);
  await heirContext.close();

  // Same key, still valid; the giver no longer sees the license.
  expect(await validate(request, newKey, "e2e-gift-desk")).toMatchObject({ code: "VALID" });
  await page.goto("/account");
  await expect(page.getByText("You have no licenses yet.")).toBeVisible();
  expect((await page.goto(`/account/licenses/${id}`))?.status()).toBe(404);

  // The vendor can move it back directly (admin API), and the audit trail says who did what.
  const moved = await request.patch(`/api/v1/admin/licenses/${id}`, { headers: admin, data: { email: giver } });
  expect(moved.status()).toBe(200);
  expect((await moved.json()).license).toMatchObject({ email: giver, activeMachines: 2 });
});
