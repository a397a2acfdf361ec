import { expect, test } from "@playwright/test";

test("the landing page names the product and links to pricing, sign-in and the API docs", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "License Portal" })).toBeVisible();
  const main = page.getByRole("main");
  await expect(main.getByRole("link", { name: "See pricing" })).toHaveAttribute("href", "/pricing");
  await expect(main.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin");
  await expect(main.getByRole("link", { name: "API docs" })).toHaveAttribute("href", "/docs/api");
});

test("the pricing link leads to the demo plans from the database", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("main").getByRole("link", { name: "See pricing" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByRole("heading", { level: 1, name: "Pricing" })).toBeVisible();
  // Other tests may add plans to the same database: look at the demo plans' own cards.
  for (const [slug, name, price] of [
    ["demo-solo", "Solo", "$49.00 once"],
    ["demo-pro-yearly", "Pro", "$99.00 / year"],
    ["demo-team-floating", "Team", "$299.00 / month"],
  ] as const) {
    const card = page.locator(`[data-plan="${slug}"]`);
    await expect(card.getByRole("heading", { level: 2, name, exact: true })).toBeVisible();
    await expect(card.getByText(price)).toBeVisible();
  }
});

test("the health endpoint reports the database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ok: true, db: "up" });
});
