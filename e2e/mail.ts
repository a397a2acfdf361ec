// Reads the emails the portal sent, from the mail catcher e2e/global-setup.ts started.
import { expect } from "@playwright/test";

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
