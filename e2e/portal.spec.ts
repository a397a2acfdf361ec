// The customer portal in a real browser: sign in by magic link, see the license,
// watch machines activated through the API appear, free a seat, download an
// offline file; and a second customer trying the first one's ids.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { verifyOfflineCertificate } from "../lib/licensing/offline";
import { E2E_ADMIN_TOKEN } from "./global-setup";
import { signIn } from "./mail";

const CUSTOMER = "customer@example.com"; // the demo customer: one "Demo App — Pro" license
const OTHER = "other@example.com";
const KEY = /^ZP-[A-HJ-NP-Z2-9]{5}(-[A-HJ-NP-Z2-9]{5}){3}$/;
const admin = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

const activate = (request: APIRequestContext, key: string, fingerprint: string, details: Record<string, string> = {}) =>
  request.post("/api/v1/licenses/activate", { data: { key, fingerprint, ...details } });

/** Both widths, full page; e2e/artifacts is kept by CI and gitignored. */
async function screenshots(page: Page, name: string) {
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    // Nothing may overflow sideways on a phone: tables become cards, long text wraps.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: `e2e/artifacts/${name}-${size}.png`, fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

test("a customer sees machines activated through the API, frees a seat for a new machine and downloads an offline file", async ({ page, request }) => {
  await signIn(page, CUSTOMER);
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Demo App — Pro" }) });
  await card.getByRole("link", { name: "Machines and downloads for Demo App — Pro" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Demo App — Pro" })).toBeVisible();

  const keyText = page.getByTestId("license-key");
  await page.getByRole("button", { name: "Reveal", exact: true }).click();
  await expect(keyText).toHaveText(KEY);
  const key = (await keyText.textContent())!;
  await expect(page.getByTestId("activation-snippet")).toContainText("•••••");
  await page.getByRole("button", { name: "Show key in command" }).click();
  await expect(page.getByTestId("activation-snippet")).toContainText(`"key":"${key}"`);

  // Two machines, then spares for whatever seats remain, so the next machine is refused.
  expect((await activate(request, key, "e2e-studio", { name: "Studio iMac", platform: "macOS", hostname: "studio.local" })).status()).toBe(201);
  expect((await activate(request, key, "e2e-laptop", { name: "Travel laptop", platform: "Windows", hostname: "travel-laptop" })).status()).toBe(201);
  const { license } = await (await request.post("/api/v1/licenses/validate", { data: { key } })).json();
  for (let i = license.activeMachines; i < license.maxMachines; i++) {
    expect((await activate(request, key, `e2e-spare-${i}`, { name: `Spare ${i}` })).status()).toBe(201);
  }
  const refused = await activate(request, key, "e2e-new-desktop", { name: "New desktop" });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).code).toBe("TOO_MANY_MACHINES");

  await page.reload();
  const machines = page.getByRole("table", { name: "Machines using this license" });
  const laptop = machines.getByRole("row").filter({ hasText: "Travel laptop" });
  await expect(machines.getByRole("row").filter({ hasText: "Studio iMac" })).toContainText("macOS");
  await expect(laptop).toContainText("Host: travel-laptop");
  await expect(page.getByTestId("seats").first()).toHaveText(`${license.maxMachines} of ${license.maxMachines} in use`);

  // Deactivate asks first; Escape takes the question back, keyboard only.
  await laptop.getByRole("button", { name: "Deactivate Travel laptop" }).click();
  await expect(laptop.getByRole("button", { name: "Yes, deactivate Travel laptop" })).toBeFocused();
  await machines.screenshot({ path: "e2e/artifacts/license-confirm-desktop.png" });
  await page.setViewportSize(PHONE);
  await laptop.screenshot({ path: "e2e/artifacts/license-confirm-phone.png" });
  await page.setViewportSize(DESKTOP);
  await page.keyboard.press("Escape");
  await expect(laptop.getByRole("button", { name: "Deactivate Travel laptop" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(laptop.getByRole("button", { name: "Yes, deactivate Travel laptop" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Travel laptop was deactivated and its seat is free." })).toBeVisible();
  await expect(machines.getByRole("row").filter({ hasText: "Travel laptop" })).toHaveCount(0);

  // The freed seat goes to a new machine; the old one is told it is no longer activated.
  expect((await activate(request, key, "e2e-new-desktop", { name: "New desktop" })).status()).toBe(201);
  const old = await request.post("/api/v1/licenses/validate", { data: { key, fingerprint: "e2e-laptop" } });
  expect((await old.json()).code).toBe("MACHINE_MISMATCH");

  await page.reload();
  await expect(machines.getByRole("row").filter({ hasText: "New desktop" })).toBeVisible();
  await page.getByText("Deactivated machines (1)").click();
  await expect(page.getByRole("table", { name: "Deactivated machines" })).toContainText("Travel laptop");

  await page.getByLabel("Machine", { exact: true }).selectOption({ label: "Studio iMac" });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download offline license" }).click()]);
  expect(download.suggestedFilename()).toBe("demo-app-studio-imac.lic");
  const { publicKey } = await (await request.get("/api/v1/public-key")).json();
  const verified = verifyOfflineCertificate(publicKey, await readFile((await download.path())!, "utf8"));
  expect(verified.ok && verified.payload.machine.fingerprint).toBe("e2e-studio");

  await screenshots(page, "license");
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "My licenses" })).toBeVisible();
  await screenshots(page, "account");
});

test("another customer gets 404 for the first customer's license page and offline file, and cannot deactivate their machines", async ({ browser, request }) => {
  const issue = async (email: string, plan: string) => {
    const res = await request.post("/api/v1/admin/licenses", { headers: admin, data: { plan, email } });
    expect(res.status()).toBe(201);
    return (await res.json()) as { id: string; key: string };
  };
  const machinesOf = async (id: string): Promise<{ id: string }[]> =>
    (await (await request.get(`/api/v1/admin/licenses/${id}`, { headers: admin })).json()).machines;

  const own = await issue(OTHER, "demo-solo");
  expect((await activate(request, own.key, "other-pc", { name: "Other PC" })).status()).toBe(201);
  // A victim whose key the test knows, so it has a machine to aim at whichever tests ran before.
  const victim = await issue("victim@example.com", "demo-solo");
  expect((await activate(request, victim.key, "victim-pc", { name: "Victim PC" })).status()).toBe(201);
  const [victimMachine] = await machinesOf(victim.id);
  const { data } = await (await request.get(`/api/v1/admin/licenses?email=${CUSTOMER}`, { headers: admin })).json();
  const customerLicense: string = data[0].id;
  const customerMachine = (await machinesOf(customerLicense))[0]?.id ?? randomUUID();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, OTHER);
  await expect(page.getByRole("heading", { name: "Demo App — Solo" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Demo App — Pro" })).toHaveCount(0);

  for (const [licenseId, machineId] of [[customerLicense, customerMachine], [victim.id, victimMachine!.id]]) {
    const stolen = await page.goto(`/account/licenses/${licenseId}`);
    expect(stolen?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "License not found" })).toBeVisible();
    expect((await page.request.get(`/account/licenses/${licenseId}/offline?machine=${machineId}`)).status()).toBe(404);
  }
  expect((await page.goto("/account/licenses/not-a-license"))?.status()).toBe(404);
  expect((await page.request.get("/account/licenses/not-a-license/offline?machine=x")).status()).toBe(404);

  // On their own license page, a doctored form aims Deactivate at the victim's machine: refused, nothing changes.
  await page.goto(`/account/licenses/${own.id}`);
  const row = page.getByRole("row").filter({ hasText: "Other PC" });
  await row.getByRole("button", { name: "Deactivate Other PC" }).click();
  await row.locator('input[name="licenseId"]').evaluate((el, v) => ((el as HTMLInputElement).value = v), victim.id);
  await row.locator('input[name="machineId"]').evaluate((el, v) => ((el as HTMLInputElement).value = v), victimMachine!.id);
  await row.getByRole("button", { name: "Yes, deactivate Other PC" }).click();
  await expect(row.getByRole("alert")).toHaveText("That machine is not on any of your licenses.");
  const still = await request.post("/api/v1/licenses/validate", { data: { key: victim.key, fingerprint: "victim-pc" } });
  expect((await still.json()).code).toBe("VALID");
  await context.close();

  // Signed out, the page and the file send to sign-in, and come back to the license page after.
  const signedOut = await request.get(`/account/licenses/${customerLicense}`, { maxRedirects: 0 });
  expect(signedOut.status()).toBe(307);
  expect(signedOut.headers()["location"]).toContain(`/signin?callbackUrl=${encodeURIComponent(`/account/licenses/${customerLicense}`)}`);
  const file = await request.get(`/account/licenses/${customerLicense}/offline?machine=${customerMachine}`, { maxRedirects: 0 });
  expect(file.status()).toBe(303);
});
