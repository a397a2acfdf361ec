// The pages Lighthouse measures (/, /pricing, /account) must show their main content in the
// server's first answer, not a skeleton that a later streamed chunk replaces: that second chunk is
// what made /account's Largest Contentful Paint slow. Without JavaScript nothing can swap a
// streamed chunk in, so a browser with JavaScript off sees exactly what the first answer paints.
import { expect, test } from "@playwright/test";
import { DEMO_CUSTOMER_EMAIL } from "../prisma/seed";
import { signIn } from "./mail";

test("/account shows the customer's licenses in the first answer, without a loading skeleton", async ({ browser, page, baseURL }) => {
  await signIn(page, DEMO_CUSTOMER_EMAIL);
  const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await noScript.newPage();
  await plain.goto("/account");
  await expect(plain.getByRole("heading", { level: 1, name: "My licenses" })).toBeVisible();
  await expect(plain.getByRole("heading", { level: 2, name: /^Demo App — / }).first()).toBeVisible();
  await expect(plain.getByText("Loading your licenses…")).toHaveCount(0);
  await noScript.close();
});

test("/pricing shows the plans in the first answer", async ({ browser, baseURL }) => {
  const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto("/pricing");
  await expect(plain.getByRole("heading", { level: 1, name: "Pricing" })).toBeVisible();
  await expect(plain.getByRole("button", { name: "Buy Demo App Solo" })).toBeVisible();
  await noScript.close();
});
