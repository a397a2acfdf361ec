import { expect, test } from "@playwright/test";
import { firstLink, inboxIds, waitForMail } from "./mail";

test("a customer signs in with a magic link from the mail catcher, sees their license, and signs out", async ({ page }) => {
  await page.goto("/signin");
  const before = await inboxIds();
  await page.getByLabel("Email address").fill("Customer@Example.com");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const mail = await waitForMail((m) => !before.has(m.id) && m.to.includes("customer@example.com") && m.subject.startsWith("Sign in to"));
  const link = firstLink(mail.text);
  expect(new URL(link).pathname).toBe("/signin/confirm");

  // Opening the link (as a mail scanner would) does not sign in by itself...
  await page.goto(link);
  await expect(page.getByText("Sign in as customer@example.com?")).toBeVisible();
  // ...pressing the button does.
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "My licenses" })).toBeVisible();
  await expect(page.getByText("Signed in as customer@example.com")).toBeVisible();
  // The demo license (other specs may have added more to this customer).
  const card = page.locator("[data-license]").filter({ hasText: "Demo App — Pro" }).last();
  await expect(card).toBeVisible();
  const key = card.getByTestId("license-key");
  await expect(key).toContainText("•••••");
  await card.getByRole("button", { name: "Reveal" }).click();
  await expect(key).toHaveText(/^ZP-[A-HJ-NP-Z2-9]{5}(-[A-HJ-NP-Z2-9]{5}){3}$/);

  // The link works once.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  await page.goto(link);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/signin\?error=Verification/);
  await expect(page.getByText("That sign-in link has expired or was already used.", { exact: false })).toBeVisible();
});

test("signed-out visitors are sent to sign in from their account page", async ({ page }) => {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccount$/);
});
