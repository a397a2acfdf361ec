// Customer self-service in Chromium against the production build and the local Stripe emulator:
// orders with their receipt, a refund shown against its order, cancel at period end and resume, a
// failed payment's banner leading to the Billing Portal's card update, and an unknown checkout session.
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./mail";

const uniqueEmail = (name: string) => `${name}-${Date.now().toString(36)}@example.com`;

type Purchase = { emulator: string; sessionId: string };

/** Buys a plan as a guest on the emulator's hosted checkout; returns the emulator's origin and the session id. */
async function buyAsGuest(page: Page, plan: string, email: string): Promise<Purchase> {
  await page.goto("/pricing");
  await page.getByRole("button", { name: `Buy Demo App ${plan}` }).click();
  await expect(page.getByRole("heading", { name: "Checkout" })).toBeVisible();
  const emulator = new URL(page.url()).origin;
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_/);
  const sessionId = new URL(page.url()).searchParams.get("session_id")!;
  return { emulator, sessionId };
}

/** The Stripe object behind a completed checkout, read from the emulator's API as the SDK would. */
async function checkoutSession(p: Purchase): Promise<{ payment_intent: string | null; subscription: string | null }> {
  const res = await fetch(`${p.emulator}/v1/checkout/sessions/${p.sessionId}`, { headers: { Authorization: "Bearer sk_test_e2e" } });
  expect(res.status).toBe(200);
  return res.json();
}

async function trigger(p: Purchase, action: string, body: Record<string, unknown>) {
  const res = await fetch(`${p.emulator}/_emulator/${action}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
}

test("a guest purchase: order summary, sign-in link, then the order with its receipt; a refund shows against it", async ({ page }) => {
  const email = uniqueEmail("orders");
  const purchase = await buyAsGuest(page, "Solo", email);

  const summary = page.getByTestId("order-summary");
  await expect(summary).toContainText("Demo App — Solo");
  await expect(summary).toContainText("$49.00, one-time payment");
  await expect(summary).toContainText(email);
  await expect(page.getByText("Your license is ready — check your email.")).toBeVisible();
  // The site header has its own "Sign in": this one is in the purchase's status.
  await expect(page.getByRole("status").getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin?callbackUrl=%2Faccount");

  await signIn(page, email);
  const orders = page.getByRole("region", { name: "Orders and invoices" });
  const order = orders.getByRole("listitem").filter({ hasText: "Demo App — Solo" });
  await expect(order.getByTestId("order-amount")).toHaveText("$49.00");
  await expect(order.getByTestId("order-status")).toHaveText("Paid");

  await order.getByRole("link", { name: /^Receipt/ }).click();
  await expect(page.getByRole("heading", { name: "Receipt" })).toBeVisible();
  await expect(page.getByText("Amount paid: $49.00")).toBeVisible();
  expect(new URL(page.url()).origin).toBe(purchase.emulator);

  const { payment_intent } = await checkoutSession(purchase);
  await trigger(purchase, "refund", { payment_intent, amount: 1900 });
  await page.goto("/account");
  await expect(order.getByTestId("order-status")).toHaveText("Partially refunded");
  await expect(order.getByTestId("order-refund")).toContainText("Refunded $19.00 on");
});

test("a subscription renews, is cancelled at period end and resumed in place", async ({ page }) => {
  const email = uniqueEmail("renewal");
  await buyAsGuest(page, "Pro", email);
  await expect(page.getByTestId("order-summary")).toContainText("$99.00 per year, renews automatically");
  await signIn(page, email);

  await page.getByRole("link", { name: /Machines and downloads/ }).first().click();
  await expect(page.getByText("Renews on", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await expect(page.getByText(/The license keeps working until/)).toBeVisible();
  await page.getByRole("button", { name: "Yes, cancel at period end" }).click();
  await expect(page.getByText("Ends on", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Resume subscription" })).toBeVisible();

  // It stays so after a reload: Stripe and the portal agree.
  await page.reload();
  await expect(page.getByText("Ends on", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Resume subscription" }).click();
  await expect(page.getByText("Renews on", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel subscription" })).toBeVisible();
});

test("a failed payment suspends the license with a banner, and updating the card in the Billing Portal lifts it", async ({ page }) => {
  const email = uniqueEmail("declined");
  const purchase = await buyAsGuest(page, "Pro", email);
  const { subscription } = await checkoutSession(purchase);
  await trigger(purchase, "fail-payment", { subscription });

  await signIn(page, email);
  const banner = page.getByTestId("payment-problem");
  await expect(banner).toContainText("This license is suspended");
  await page.getByRole("link", { name: /Machines and downloads/ }).first().click();
  await expect(banner).toContainText("declined");

  await banner.getByRole("button", { name: "Update payment method" }).click();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  await expect(page.getByText("Your last payment failed")).toBeVisible();
  await page.getByRole("button", { name: "Update payment method" }).click();
  await expect(page.getByText("Payment method updated.")).toBeVisible();
  await page.getByRole("link", { name: "Return to the portal" }).click();

  await expect(page).toHaveURL(/\/account\/licenses\/[0-9a-f-]+$/);
  await expect(page.getByTestId("payment-problem")).toHaveCount(0);
  await expect(page.getByText("Renews on", { exact: true })).toBeVisible();
});

test("an unknown checkout session says so and does not poll", async ({ page }) => {
  const polls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/checkout/status")) polls.push(r.url());
  });
  await page.goto("/checkout/success?session_id=cs_test_bogus");
  await expect(page.getByRole("heading", { name: "Unknown checkout session" })).toBeVisible();
  await expect(page.getByTestId("unknown-session")).toContainText("We have no purchase with this checkout session");
  await page.waitForTimeout(2000);
  expect(polls).toEqual([]);

  const api = await page.request.get("/api/checkout/status?session_id=cs_test_bogus");
  expect(api.status()).toBe(404);
  expect(await api.json()).toMatchObject({ state: "unknown", error: { code: "NOT_FOUND" } });
});

test("the signed-in success page has a Copy button for the key", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const email = uniqueEmail("copy");
  await signIn(page, email);
  await page.goto("/pricing");
  await page.getByRole("button", { name: "Buy Demo App Solo" }).click();
  await page.getByRole("button", { name: "Pay" }).click();
  const key = await page.getByTestId("purchased-key").textContent();
  await page.getByRole("button", { name: "Copy key" }).click();
  await expect(page.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
});
