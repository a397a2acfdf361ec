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

test("a sign-in link always points at the portal's own address, whatever host the request claims", async ({ request, baseURL }) => {
  const email = `host-${Date.now()}@example.com`;
  // Host header poisoning: a link built from these would hand the victim's token to another site.
  // (Our own form is refused outright by Next's Server Actions origin check; this is Auth.js's endpoint.)
  const poisoned = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", host: "evil.example" };
  const { csrfToken } = await (await request.get("/api/auth/csrf", { headers: poisoned })).json();
  const before = await inboxIds();
  const res = await request.post("/api/auth/signin/nodemailer", {
    headers: poisoned,
    form: { email, csrfToken, callbackUrl: "/account" },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(302);

  const mail = await waitForMail((m) => !before.has(m.id) && m.to.includes(email));
  const link = new URL(firstLink(mail.text));
  expect(link.origin).toBe(new URL(baseURL!).origin);
  expect(new URL(link.searchParams.get("callback")!, link).origin).toBe(new URL(baseURL!).origin);
  expect(mail.text).not.toContain("evil.example");
});
