// Sign-in through Auth.js's own HTTP endpoints, as an attacker or a browser posts to them: the session
// answer, one address per sign-in, and what a person is told once the email budget is spent.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { randomBytes } from "node:crypto";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { SIGN_IN_EMAILS_PER_ADDRESS, SIGN_IN_EMAILS_PER_ADDRESS_AND_IP } from "./sign-in-limits";

setupTestDatabase();

let mail: MailCatcher;
beforeAll(async () => {
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
});
afterAll(() => mail.stop());

const ORIGIN = "http://localhost:3000";
const route = () => import("@/app/api/auth/[...nextauth]/route");

/** A CSRF token and the cookie that goes with it, as a browser gets them. */
async function csrf(): Promise<{ token: string; cookie: string }> {
  const { GET } = await route();
  const res = await GET(new NextRequest(`${ORIGIN}/api/auth/csrf`));
  const token = ((await res.json()) as { csrfToken: string }).csrfToken;
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { token, cookie };
}

async function requestLink(email: string, ip: string): Promise<{ status: number; location: string }> {
  const { POST } = await route();
  const { token, cookie } = await csrf();
  const res = await POST(
    new NextRequest(`${ORIGIN}/api/auth/signin/nodemailer`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": ip },
      body: new URLSearchParams({ email, csrfToken: token, callbackUrl: `${ORIGIN}/account` }).toString(),
    }),
  );
  return { status: res.status, location: res.headers.get("location") ?? "" };
}

const inboxOf = (address: string) => mail.messages().filter((m) => m.to.includes(address));
let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, "error");
});

describe("GET /api/auth/session", () => {
  it("answers the user and the expiry, never the session token", async () => {
    const user = await prisma().user.create({ data: { email: "session@example.com", name: "Ses Sion" } });
    const sessionToken = randomBytes(32).toString("hex");
    const expires = new Date(Date.now() + 86_400_000);
    await prisma().session.create({ data: { sessionToken, userId: user.id, expires } });
    const { GET } = await route();
    const res = await GET(new NextRequest(`${ORIGIN}/api/auth/session`, { headers: { cookie: `authjs.session-token=${sessionToken}` } }));
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ user: { id: user.id, email: "session@example.com", name: "Ses Sion", isAdmin: false }, expires: expires.toISOString() });
    expect(text).not.toContain(sessionToken);
    expect(text).not.toContain("sessionToken");
  });
});

describe("POST /api/auth/signin/nodemailer", () => {
  it.each([
    "a@example.test,b@example.test",
    "a@example.test, b@example.test",
    "a@example.test;b@example.test",
    "a@example.test b@example.test",
    "Name <a@example.test>",
    '"Kim Park" <a@example.test>',
    "<a@example.test>",
    "a@example.test (Kim)",
    '"a"@example.test',
    "a@example.test\nb@example.test",
    "a@example.test\u0000",
    "0@com",
    "",
  ])("refuses %j: no mail, no account, a message on the sign-in page", async (email) => {
    const before = mail.messages().length;
    const res = await requestLink(email, "198.51.100.10");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/signin?error=EmailInvalid");
    expect(mail.messages()).toHaveLength(before);
    expect(await prisma().user.count({ where: { email: { contains: "example.test" } } })).toBe(0);
    expect(await prisma().verificationToken.count()).toBe(0);
    expect(errors).not.toHaveBeenCalled();
  });

  it("sends one link to one address, in its identity form", async () => {
    const res = await requestLink("  Single@Example.COM ", "198.51.100.11");
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/verify-request|check-email/);
    expect(inboxOf("single@example.com")).toHaveLength(1);
  });

  it("signs KIM_PARK into kim_park's own account: case and space are folded, _ and % are never patterns", async () => {
    const kim = await prisma().user.create({ data: { email: "kim.park@example.org" } });
    expect((await requestLink("  KIM_PARK@Example.ORG ", "198.51.100.12")).status).toBe(302);
    expect((await requestLink("kim%park@example.org", "198.51.100.12")).status).toBe(302);
    expect(inboxOf("kim.park@example.org")).toHaveLength(0);
    const [message] = inboxOf("kim_park@example.org");
    expect(inboxOf("kim%park@example.org")).toHaveLength(1);

    // Following the link signs in a new account for kim_park, and leaves kim.park's alone.
    // The mail links to the confirmation page, which holds Auth.js's callback.
    const confirm = new URL(/https?:\/\/\S+\/signin\/confirm\S+/.exec(message!.text)![0]);
    const link = new URL(confirm.searchParams.get("callback")!, ORIGIN);
    expect(link.searchParams.get("email")).toBe("kim_park@example.org");
    const { GET } = await route();
    const res = await GET(new NextRequest(`${ORIGIN}${link.pathname}${link.search}`));
    expect(res.status).toBe(302);
    const sessionToken = /authjs\.session-token=([^;]+)/.exec(res.headers.getSetCookie().join("\n"))?.[1];
    expect(sessionToken).toBeTruthy();
    const session = await prisma().session.findUnique({ where: { sessionToken }, include: { user: true } });
    expect(session?.user.email).toBe("kim_park@example.org");
    expect(await prisma().session.count({ where: { userId: kim.id } })).toBe(0);
    expect(await prisma().user.count({ where: { email: { endsWith: "@example.org" } } })).toBe(2);
  });

  it(`past ${SIGN_IN_EMAILS_PER_ADDRESS_AND_IP} links from one client says when to try again, logs no error, and leaves the victim's own client alone`, async () => {
    const victim = "victim@example.com";
    for (let i = 0; i < SIGN_IN_EMAILS_PER_ADDRESS_AND_IP; i++) expect((await requestLink(victim, "203.0.113.99")).status).toBe(302);
    const refused = await requestLink(victim, "203.0.113.99");
    expect(refused.status).toBe(303);
    const url = new URL(refused.location, ORIGIN);
    expect(url.pathname).toBe("/signin");
    expect(url.searchParams.get("error")).toBe("EmailRateLimited");
    const retryAfter = Number(url.searchParams.get("retryAfter"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(refused.location).not.toContain("Configuration");
    expect(errors).not.toHaveBeenCalled();
    expect(inboxOf(victim)).toHaveLength(SIGN_IN_EMAILS_PER_ADDRESS_AND_IP);

    // The attacker's requests do not lock the victim out: from the victim's own network it still works.
    expect((await requestLink(victim, "192.0.2.1")).status).toBe(302);
    expect(inboxOf(victim)).toHaveLength(SIGN_IN_EMAILS_PER_ADDRESS_AND_IP + 1);
  });

  it(`caps one inbox at ${SIGN_IN_EMAILS_PER_ADDRESS} links from all clients together, for minutes rather than a quarter hour`, async () => {
    const inbox = "flooded@example.com";
    for (let i = 0; i < SIGN_IN_EMAILS_PER_ADDRESS; i++) expect((await requestLink(inbox, `198.18.1.${i}`)).status).toBe(302);
    const refused = await requestLink(inbox, "198.18.2.1");
    const url = new URL(refused.location, ORIGIN);
    expect(url.searchParams.get("error")).toBe("EmailRateLimited");
    expect(Number(url.searchParams.get("retryAfter"))).toBeLessThanOrEqual(10 * 60);
    expect(inboxOf(inbox)).toHaveLength(SIGN_IN_EMAILS_PER_ADDRESS);
  });
});
