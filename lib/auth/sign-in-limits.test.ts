// Magic-link emails are limited per address and per client IP: past the budget
// nothing is sent, whatever path asked for the link.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { sendLimitedSignInEmail } from "./magic-link";
import { SIGN_IN_EMAILS_PER_ADDRESS, SIGN_IN_EMAILS_PER_IP } from "./sign-in-limits";

let mail: MailCatcher;
beforeAll(async () => {
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
});
afterAll(() => mail.stop());

const URL_OF_LINK = "http://localhost:3000/api/auth/callback/nodemailer?token=abc&email=x";
/** What Next hands Auth.js: the peer address is the last X-Forwarded-For entry. */
const requestFrom = (ip: string) => new Request("http://localhost:3000/api/auth/signin/nodemailer", { headers: { "x-forwarded-for": ip } });
const send = (identifier: string, ip: string) => sendLimitedSignInEmail({ identifier, url: URL_OF_LINK, request: requestFrom(ip) });
const inboxOf = (address: string) => mail.messages().filter((m) => m.to.includes(address));

describe("sign-in email limits", () => {
  it(`sends ${SIGN_IN_EMAILS_PER_ADDRESS} emails to one address, then none; other addresses still get theirs`, async () => {
    for (let i = 0; i < SIGN_IN_EMAILS_PER_ADDRESS; i++) await send("victim@example.com", "198.51.100.1");
    // The same address however it is typed, from another client: still the address's budget.
    await expect(send("  Victim@Example.COM ", "198.51.100.2")).rejects.toThrow("Too many sign-in emails");
    await send("neighbour@example.com", "198.51.100.1");
    expect(inboxOf("victim@example.com")).toHaveLength(SIGN_IN_EMAILS_PER_ADDRESS);
    expect(inboxOf("neighbour@example.com")).toHaveLength(1);
  });

  it(`sends ${SIGN_IN_EMAILS_PER_IP} emails asked for from one client, then none; other clients still can`, async () => {
    for (let i = 0; i < SIGN_IN_EMAILS_PER_IP; i++) await send(`spray-${i}@example.com`, "203.0.113.66");
    await expect(send("spray-last@example.com", "203.0.113.66")).rejects.toThrow("Too many sign-in emails");
    expect(inboxOf("spray-last@example.com")).toHaveLength(0);
    await send("spray-last@example.com", "203.0.113.67");
    expect(inboxOf("spray-last@example.com")).toHaveLength(1);
  });
});
