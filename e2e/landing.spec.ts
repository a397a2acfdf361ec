import { expect, test } from "@playwright/test";

test("the landing page is the vendor's storefront: their name and words, each product with its plans and named features", async ({ page }) => {
  await page.goto("/");
  // The demo seed sets the store's words as a vendor would in the console (Storefront).
  await expect(page.getByRole("heading", { level: 1, name: "Demo Software" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Demo Software" })).toBeVisible();
  await expect(page).toHaveTitle("Demo Software");
  const main = page.getByRole("main");
  await expect(main.getByText("Desktop tools that get out of your way.")).toBeVisible();
  await expect(main.getByRole("link", { name: "See pricing" })).toHaveAttribute("href", "/pricing");
  await expect(main.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin");
  const product = main.getByRole("region", { name: "Demo App" });
  await expect(product.getByText("A sample desktop application sold through the portal.")).toBeVisible();
  const pro = product.locator('[data-landing-plan="demo-pro-yearly"]');
  await expect(pro.getByRole("heading", { level: 3, name: "Pro" })).toBeVisible();
  await expect(pro).toContainText("$99.00 / year");
  // Features by the names the vendor gave them, never the raw entitlement codes.
  await expect(pro).toContainText("Cloud sync");
  await expect(pro).not.toContainText("Feature:");
  await expect(product.getByRole("link", { name: "Compare Demo App plans and buy" })).toHaveAttribute("href", "/pricing#demo-app");
});

test("the storefront offers a free trial on the plans that have one, and it leads to the trial page", async ({ page }) => {
  await page.goto("/");
  const product = page.getByRole("main").getByRole("region", { name: "Demo App" });
  // The demo Solo plan offers 14 days; Pro offers none.
  const trial = product.locator('[data-landing-plan="demo-solo"]').getByRole("link", { name: "Start a 14-day free trial of Demo App Solo" });
  await expect(trial).toHaveText("Start free trial (14 days)");
  await expect(trial).toHaveAttribute("href", "/trial/demo-solo");
  await expect(product.locator('[data-landing-plan="demo-pro-yearly"]').getByRole("link", { name: /free trial/ })).toHaveCount(0);
  await trial.click();
  await expect(page).toHaveURL(/\/trial\/demo-solo$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Try Demo App Solo free");
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
    await expect(card.getByRole("heading", { level: 3, name, exact: true })).toBeVisible();
    await expect(card.getByText(price)).toBeVisible();
  }
  await expect(page.locator('[data-plan="demo-team-floating"]')).toContainText("✓ Shared team workspace");
  await expect(page.locator('[data-plan="demo-team-floating"]')).not.toContainText("Feature:");
});

test("the health endpoint reports the database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ok: true, db: "up" });
});

test("robots.txt lets crawlers see the storefront and keeps them out of accounts, the console and the APIs", async ({ request }) => {
  const response = await request.get("/robots.txt");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/plain");
  const lines = (await response.text()).trim().split("\n");
  expect(lines).toContain("User-Agent: *");
  expect(lines).toContain("Allow: /");
  for (const path of ["/account", "/admin", "/api/", "/signin"]) expect(lines).toContain(`Disallow: ${path}`);
});
