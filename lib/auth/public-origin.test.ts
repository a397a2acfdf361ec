// With APP_URL=http://127.0.0.1:…, Next hands route handlers a request whose URL says "localhost"
// (NextURL normalises loopback names). A sign-in must still land on APP_URL's own origin: the emailed
// link, the redirect after it and the callback's redirect, or the new session cookie is not sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { onPublicOrigin } from "./public-origin";

setupTestDatabase();

const APP_URL = "http://127.0.0.1:3999";
let mail: MailCatcher;
const saved = { APP_URL: process.env.APP_URL, AUTH_URL: process.env.AUTH_URL };
beforeAll(async () => {
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
  process.env.APP_URL = APP_URL;
  process.env.AUTH_URL = APP_URL;
});
afterAll(async () => {
  await mail.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const route = () => import("@/app/api/auth/[...nextauth]/route");
const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

describe("onPublicOrigin", () => {
  it("puts the request on APP_URL's origin and keeps method, path, query, headers and body", async () => {
    const moved = await onPublicOrigin(
      new Request("http://localhost:3999/api/auth/signin/nodemailer?x=1", { method: "POST", headers: { cookie: "a=b" }, body: "email=a%40b.test" }),
      APP_URL,
    );
    expect(moved.url).toBe("http://127.0.0.1:3999/api/auth/signin/nodemailer?x=1");
    expect(moved.method).toBe("POST");
    expect(moved.headers.get("cookie")).toBe("a=b");
    expect(await moved.text()).toBe("email=a%40b.test");
  });

  it("leaves the request alone without APP_URL", async () => {
    const request = new Request("http://localhost:3000/api/auth/csrf");
    expect(await onPublicOrigin(request, "")).toBe(request);
  });
});

describe("sign-in with APP_URL on 127.0.0.1", () => {
  it("emails a link on APP_URL's origin, and the link's callback redirects and sets the cookie there", async () => {
    const { GET, POST } = await route();
    // What Next gives the route handler: the loopback address already rewritten to "localhost".
    const nextOrigin = new NextRequest(`${APP_URL}/api/auth/csrf`).nextUrl.origin;
    expect(nextOrigin).toBe("http://localhost:3999");

    const csrf = await GET(new NextRequest(`${APP_URL}/api/auth/csrf`));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const email = "loopback@example.com";
    const asked = await POST(
      new NextRequest(`${APP_URL}/api/auth/signin/nodemailer`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf) },
        body: new URLSearchParams({ email, csrfToken, callbackUrl: "/signin/continue" }).toString(),
      }),
    );
    expect(asked.status).toBe(302);
    expect(new URL(asked.headers.get("location")!).origin).toBe(APP_URL);

    const message = mail.messages().find((m) => m.to.includes(email));
    const link = /https?:\/\/\S+/.exec(message?.text ?? "")?.[0];
    expect(link && new URL(link).origin).toBe(APP_URL);
    // The confirmation page's button goes to Auth.js's callback with the link's parameters.
    const callback = new URL(new URL(link!).searchParams.get("callback")!, APP_URL);
    expect(new URL(callback.searchParams.get("callbackUrl")!).origin).toBe(APP_URL);

    const signedIn = await GET(new NextRequest(callback.toString()));
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe(`${APP_URL}/signin/continue`);
    expect(cookiesOf(signedIn)).toMatch(/authjs\.session-token=/);
    expect(await prisma().session.count({ where: { user: { email } } })).toBe(1);
  });
});
