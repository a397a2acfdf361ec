// Reads the emails the portal sent, from the mail catcher e2e/global-setup.ts started.
import { expect, type Page } from "@playwright/test";

export type Mail = { id: string; to: string[]; subject: string; text: string; html: string | null };

/** The ids of the messages caught so far: take them before an action, to wait for a message it sends. */
export async function inboxIds(): Promise<Set<string>> {
  const messages: Mail[] = await (await fetch(`${process.env.E2E_MAIL_URL}/messages`)).json();
  return new Set(messages.map((m) => m.id));
}

export async function waitForMail(match: (m: Mail) => boolean, timeoutMs = 15_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages: Mail[] = await (await fetch(`${process.env.E2E_MAIL_URL}/messages`)).json();
    const found = messages.find(match);
    if (found) return found;
    expect(Date.now(), "no matching email arrived").toBeLessThan(deadline);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function firstLink(text: string): string {
  const m = /https?:\/\/\S+/.exec(text);
  if (!m) throw new Error(`no link in email: ${text}`);
  return m[0];
}

let clients = 0;

/**
 * Signs in through the mail catcher; only a link sent for this sign-in counts, not an older one.
 * Each sign-in comes from a client address of its own (X-Forwarded-For, believed because the e2e
 * server runs with TRUST_PROXY=1; 198.51.100.0/24 is a documentation range): the portal allows 20
 * sign-in emails per client address in 15 minutes, fewer than the whole suite asks for.
 */
export async function signIn(page: Page, email: string) {
  const before = await inboxIds();
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": `198.51.100.${(clients++ % 250) + 1}` });
  await page.goto("/signin");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  // A generous wait: outside the test runner (npm run lighthouse) expect's default is 5 s, which the
  // sign-in action (a database write and an email) overran at load 20, failing the measurement.
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible({ timeout: 30_000 });
  const mail = await waitForMail((m) => !before.has(m.id) && m.to.includes(email) && m.subject.startsWith("Sign in to"));
  await page.goto(firstLink(mail.text));
  await page.getByRole("button", { name: "Sign in" }).click();
  // Admins land on the console, customers on their licenses.
  await expect(page).toHaveURL(/\/(account|admin)$/, { timeout: 30_000 });
}
