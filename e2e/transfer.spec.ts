// Moving licenses in and out through the console in a real browser: a Lemon Squeezy
// license-key export is checked by a dry run (nothing changes), applied (the keys work at
// once), and a second run changes nothing; the licenses export downloads with keys only
// after a confirmation, and re-imported here it is all unchanged; an oversized file is 413.
import { readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { signIn } from "./mail";

const ADMIN = "transfer-admin@example.com"; // an admin by ADMIN_EMAILS (global-setup.ts), so the seeded admin's sign-in budget is not shared

async function validationCode(request: APIRequestContext, key: string): Promise<string> {
  const res = await request.post("/api/v1/licenses/validate", { data: { key } });
  expect(res.status()).toBe(200);
  return (await res.json()).code;
}

test("an admin imports a Lemon Squeezy export after a dry run, re-runs it without changes, and downloads exports", async ({ page, request }) => {
  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Admin console" }).getByRole("link", { name: "Import & export" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import & export" })).toBeVisible();

  const stamp = Date.now();
  const keys = [`${stamp}-aaaa-4067-a91d-77b872934d51`, `LS-${stamp}-BBBB`];
  const csv = [
    "id,store_id,product_id,user_name,user_email,key,key_short,activation_limit,instances_count,disabled,status,expires_at,created_at",
    `1,1,424242,Ada Lovelace,ada-${stamp}@example.com,${keys[0]},XXXX-77b872934d51,3,0,0,inactive,,2021-05-24T14:15:07.000000Z`,
    `2,1,424242,Bo,bo-${stamp}@example.com,${keys[1]},XXXX-BBBB,1,0,1,disabled,2031-01-01T00:00:00.000000Z,2022-02-02T10:00:00.000000Z`,
  ].join("\n");
  const file = { name: "license-keys.csv", mimeType: "text/csv", buffer: Buffer.from(csv) };

  // The dry run: per license what would happen; nothing changes.
  await page.getByLabel("CSV file (at most 8 MiB)").setInputFiles(file);
  await page.getByLabel("Plan for rows that name none").selectOption("demo-pro-yearly");
  await page.getByRole("button", { name: "Check file (dry run)" }).click();
  const status = page.getByRole("status").filter({ hasText: "Dry run" });
  await expect(status).toHaveText(
    "Dry run (Lemon Squeezy export): 2 to create, 0 to update, 0 unchanged, 0 with errors. Nothing has been changed yet.",
  );
  const report = page.getByRole("table", { name: "What the import would do, per license" });
  await expect(report.locator('tr[data-result="created"]')).toHaveCount(2);
  await expect(report.getByRole("row").nth(1)).toContainText(`ada-${stamp}@example.com`);
  await expect(report.getByRole("row").nth(1)).toContainText("create");
  expect(await validationCode(request, keys[0]!)).toBe("NOT_FOUND");

  // Apply: the keys work at once, with Lemon Squeezy's statuses carried over.
  await page.getByRole("button", { name: "Apply: import 2 licenses" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported:" })).toHaveText("Imported: 2 created, 0 updated, 0 unchanged, 0 with errors.");
  expect(await validationCode(request, keys[0]!.toUpperCase())).toBe("VALID");
  expect(await validationCode(request, keys[1]!)).toBe("SUSPENDED");

  // The same file again: nothing to do, so nothing to apply.
  await page.getByRole("button", { name: "Check file (dry run)" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Dry run" })).toContainText("0 to create, 0 to update, 2 unchanged, 0 with errors");
  await expect(page.getByRole("button", { name: /^Apply/ })).toHaveCount(0);

  // Export licenses without keys: a plain download.
  const licenses = page.getByRole("form", { name: "Export licenses" });
  const [plain] = await Promise.all([page.waitForEvent("download"), licenses.getByRole("button", { name: "Export licenses" }).click()]);
  expect(plain.suggestedFilename()).toMatch(/^licenses-\d{4}-\d{2}-\d{2}\.csv$/);
  const plainText = await readFile((await plain.path())!, "utf8");
  expect(plainText.split("\r\n")[0]).not.toMatch(/(^|,)key(,|$)/);
  expect(plainText).toContain(`ada-${stamp}@example.com`);
  expect(plainText).not.toContain(keys[0]);

  // With keys: only after the confirmation; dismissing it downloads nothing.
  await licenses.getByLabel("Include license keys").check();
  page.once("dialog", (dialog) => void dialog.dismiss());
  await licenses.getByRole("button", { name: "Export licenses" }).click();
  await expect(page).toHaveURL(/\/admin\/transfer$/);
  page.once("dialog", (dialog) => {
    expect(dialog.message()).toContain("every license key in clear");
    void dialog.accept();
  });
  const [withKeys] = await Promise.all([page.waitForEvent("download"), licenses.getByRole("button", { name: "Export licenses" }).click()]);
  const exported = await readFile((await withKeys.path())!, "utf8");
  expect(exported.split("\r\n")[0]).toMatch(/(^|,)key(,|$)/);
  expect(exported).toContain(keys[0]);

  // The export re-imported here: every license is already here, unchanged.
  await page.getByLabel("CSV file (at most 8 MiB)").setInputFiles({ name: "licenses.csv", mimeType: "text/csv", buffer: Buffer.from(exported) });
  await page.getByLabel("Plan for rows that name none").selectOption("");
  await page.getByRole("button", { name: "Check file (dry run)" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Dry run" })).toContainText("Dry run (portal export): 0 to create, 0 to update,");
  await expect(page.getByRole("status").filter({ hasText: "Dry run" })).toContainText("0 with errors");

  // Customers and machines as JSON.
  const customers = page.getByRole("form", { name: "Export customers" });
  await customers.getByLabel("Format").selectOption("json");
  const [customersFile] = await Promise.all([page.waitForEvent("download"), customers.getByRole("button", { name: "Export customers" }).click()]);
  const customersJson = JSON.parse(await readFile((await customersFile.path())!, "utf8"));
  expect(customersJson.customers).toEqual(expect.arrayContaining([expect.objectContaining({ email: `ada-${stamp}@example.com`, name: "Ada Lovelace", licenses: 1 })]));

  // Every export is in the audit log, the one with keys saying so.
  await page.goto("/admin/audit?action=export.");
  await expect(page.getByRole("table").locator('tr[data-audit="export.licenses"]').first()).toContainText("keys: true");

  // A file over the stated limit is refused with 413 and a message, not read.
  const big = await page.request.post("/admin/transfer/import?dryRun=1", { headers: { "Content-Type": "text/csv" }, data: Buffer.alloc(9 * 1024 * 1024, "a") });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.message).toBe("The file is larger than 8 MiB, the most one import reads: split it into smaller files");
  // And nobody else may use the route.
  expect((await request.post("/admin/transfer/import?dryRun=1", { headers: { "Content-Type": "text/csv" }, data: csv })).status()).toBe(401);
});
