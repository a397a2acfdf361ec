// The console's Webhooks and Emails pages in a real browser, against a real
// receiver that verifies every delivery with the `standardwebhooks` package
// and the mail catcher (which refuses the reserved .invalid domain with 550,
// as a real server refuses a domain that cannot exist).
import { expect, test } from "@playwright/test";
import { startWebhookReceiver } from "../lib/test/webhook-receiver";
import { E2E_ADMIN_TOKEN } from "./global-setup";
import { signIn } from "./mail";

const ADMIN = "webhooks-admin@example.com"; // an admin by ADMIN_EMAILS (global-setup.ts), so the seeded admin's sign-in budget is not shared
const api = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

test("webhooks: an endpoint is created with its secret shown once, filters events, takes a test event, logs request and response, retries, and is disabled and enabled", async ({ page, request }) => {
  const receiver = await startWebhookReceiver();
  try {
    await signIn(page, ADMIN);
    await page.getByRole("navigation", { name: "Admin console" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

    // A URL that is not http(s) is refused beside its field, and what was typed stays.
    const url = page.getByRole("textbox", { name: "URL", exact: true });
    await url.fill("ftp://files.example.com/hooks");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await expect(page.getByText("✗ Must be an absolute http:// or https:// URL without user or password")).toBeVisible();
    await expect(url).toHaveAttribute("aria-invalid", "true");
    await expect(url).toHaveValue("ftp://files.example.com/hooks");

    await url.fill(receiver.url);
    await page.getByRole("textbox", { name: "Description", exact: true }).fill("e2e receiver");
    await page.getByRole("checkbox", { name: "license.created", exact: true }).check();
    await page.getByRole("button", { name: "Create endpoint" }).click();
    const secret = page.getByTestId("secret-value");
    await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    receiver.secret = (await secret.textContent())!;

    // Shown once: not after a reload, nowhere on the page.
    await page.reload();
    await expect(page.getByTestId("secret-value")).toHaveCount(0);
    expect(await page.content()).not.toContain(receiver.secret);
    const row = page.locator("tr[data-endpoint]").filter({ hasText: receiver.url });
    await expect(row).toContainText("license.created");
    await expect(row).toContainText("Enabled");
    await row.getByRole("link", { name: receiver.url }).click();
    await expect(page.getByRole("heading", { level: 1, name: receiver.url })).toBeVisible();
    await expect(page.getByText("Nothing delivered yet.")).toBeVisible();

    // Send a test event: it arrives signed, and the log shows the request and the response.
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByText(/^✓ Test event evt_[a-z2-7]{26} queued/)).toBeVisible();
    const [test] = await receiver.waitFor((r) => r.some((e) => e.type === "webhook.test"));
    expect(test!.headers["webhook-id"]).toBe(test!.id);
    const delivery = page.locator("tr[data-delivery]").filter({ hasText: test!.id });
    await expect(async () => {
      await page.reload();
      await expect(delivery).toContainText("✓ Delivered", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(delivery).toContainText("HTTP 204");
    await delivery.getByText("Request and response").click();
    await expect(delivery.locator('[data-attempt="1"]')).toContainText("Attempt 1");
    await expect(delivery.locator('[data-attempt="1"]')).toContainText(`webhook-id: ${test!.id}`);
    await expect(delivery.locator('[data-attempt="1"]')).toContainText("webhook-signature: v1,");
    await expect(delivery).toContainText(`"type":"webhook.test"`);

    // Retry: the same event (same webhook-id) is sent again.
    await delivery.getByRole("button", { name: `Retry delivery of ${test!.id}` }).click();
    await expect(page.getByText("✓ Delivery queued to be attempted again now.")).toBeVisible();
    await receiver.waitFor((r) => r.filter((e) => e.id === test!.id).length === 2);
    await expect(async () => {
      await page.reload();
      await expect(delivery.locator("td").nth(3)).toHaveText("2", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });

    // The filter: license.created is delivered, license.suspended is not (no delivery is even recorded).
    const created = await request.post("/api/v1/admin/licenses", { headers: api, data: { plan: "demo-pro-yearly", email: `hooks-${Date.now()}@example.com` } });
    expect(created.status()).toBe(201);
    const licenseId = (await created.json()).id as string;
    const suspended = await request.patch(`/api/v1/admin/licenses/${licenseId}`, { headers: api, data: { status: "SUSPENDED" } });
    expect(suspended.status()).toBe(200);
    const [issued] = (await receiver.waitFor((r) => r.some((e) => e.type === "license.created" && (e.data.license as { id: string }).id === licenseId))).filter(
      (e) => e.type === "license.created" && (e.data.license as { id: string }).id === licenseId,
    );
    expect(issued!.data.license).toMatchObject({ id: licenseId, plan: "demo-pro-yearly" });
    await page.reload();
    await expect(page.locator("tr[data-delivery]").filter({ hasText: "license.created" })).toHaveCount(1);
    await expect(page.locator("tr[data-delivery]").filter({ hasText: "license.suspended" })).toHaveCount(0);

    // Change the filter in the settings.
    await page.getByRole("checkbox", { name: "license.suspended", exact: true }).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("✓ Endpoint saved.")).toBeVisible();
    await page.reload();
    await expect(page.getByRole("checkbox", { name: "license.suspended", exact: true })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "license.created", exact: true })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "license.revoked", exact: true })).not.toBeChecked();

    // Disable: no test event can be sent; enable again.
    // (The button's own form is replaced by the other one, so the page's state is what tells.)
    await page.getByRole("button", { name: "Disable", exact: true }).click();
    await expect(page.getByTestId("endpoint-state")).toContainText("Disabled");
    await expect(page.getByRole("button", { name: "Send test event" })).toHaveCount(0);
    await page.goto("/admin/webhooks");
    await expect(page.locator("tr[data-endpoint]").filter({ hasText: receiver.url })).toContainText("Disabled");
    await page.goBack();
    await page.getByRole("button", { name: "Enable", exact: true }).click();
    await expect(page.getByTestId("endpoint-state")).toContainText("Enabled");
    await expect(page.getByRole("button", { name: "Send test event" })).toBeVisible();
    expect(receiver.rejected).toBe(0);
  } finally {
    await receiver.close();
  }
});

test("emails: a key email the mail server refuses is listed as pending with its error, and is resent", async ({ page }) => {
  await signIn(page, ADMIN);
  const to = `bounce-${Date.now()}@mailer.invalid`;
  await page.goto("/admin/licenses/new");
  await page.getByRole("combobox", { name: "Plan", exact: true }).selectOption("demo-pro-yearly");
  await page.getByRole("textbox", { name: "Customer email", exact: true }).fill(to);
  await page.getByRole("button", { name: "Issue license" }).click();
  await expect(page).toHaveURL(/\/admin\/licenses\/[0-9a-f-]{36}\?issued=mailed$/);

  await page.getByRole("navigation", { name: "Admin console" }).getByRole("link", { name: "Emails" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Emails" })).toBeVisible();
  const row = page.locator("tr[data-email]").filter({ hasText: to });
  // The first attempt is made at once; the 550 is recorded and the next attempt scheduled.
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("550", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText("Pending");
  await expect(row).toContainText("Your license key for");
  await expect(row).toContainText("license_key");
  await expect(row.locator("td").nth(4)).toHaveText("1");

  await row.getByRole("button", { name: new RegExp(`^Resend the email to ${to.replace(/[.+]/g, "\\$&")}`) }).click();
  await expect(page.getByText(`✓ Email to ${to} queued to be sent again now.`)).toBeVisible();
  // Tried again at once (the e2e server's schedule waits an hour before a retry of its own, so this
  // second attempt is the resend's) and refused again: still pending, two attempts, the server's 550.
  await expect(async () => {
    await page.reload();
    await expect(row.locator("td").nth(4)).toHaveText("2", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText("550");
  await expect(row).toContainText("Pending");

  // Filtered to failed emails only, it is not there (it is still being retried).
  await page.getByRole("combobox", { name: "State", exact: true }).selectOption("FAILED");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page).toHaveURL(/status=FAILED/);
  await expect(page.locator("tr[data-email]").filter({ hasText: to })).toHaveCount(0);

  // The resend is in the audit log, by this admin.
  await page.goto("/admin/audit");
  const entry = page.locator('tr[data-audit="email.resend"]').filter({ hasText: to });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(ADMIN);
});
