import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMailCatcher, type CaughtMessage, type MailCatcher } from "./catcher";
import fc from "fast-check";
import { parseEmailAddress } from "../http/input";
import { sendMail, UndeliverableAddressError } from "./send";

let catcher: MailCatcher;
const savedEnv = { SMTP_URL: process.env.SMTP_URL, EMAIL_FROM: process.env.EMAIL_FROM };

beforeAll(async () => {
  catcher = await startMailCatcher();
  process.env.SMTP_URL = catcher.smtpUrl;
  delete process.env.EMAIL_FROM;
});

afterEach(() => catcher.clear());

afterAll(async () => {
  await catcher.stop();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("sendMail through the mail catcher", () => {
  it("delivers subject, text, html, recipients and the default sender over real SMTP", async () => {
    await sendMail({
      to: "buyer@example.com",
      subject: "Your license key",
      text: "Key: LP-1234-ABCD",
      html: "<p>Key: <b>LP-1234-ABCD</b></p>",
    });
    const message = await catcher.waitFor((m) => m.subject === "Your license key");
    expect(message.to).toEqual(["buyer@example.com"]);
    expect(message.text.trim()).toBe("Key: LP-1234-ABCD");
    expect(message.html).toContain("<b>LP-1234-ABCD</b>");
    // Nodemailer quotes display names: "License Portal" <no-reply@localhost>
    expect(message.from).toMatch(/^"?License Portal"? <no-reply@localhost>$/);
    expect(Date.parse(message.receivedAt)).not.toBeNaN();
  });

  it("uses EMAIL_FROM as the sender and null html for text-only mail", async () => {
    process.env.EMAIL_FROM = "Acme Licensing <licenses@acme.test>";
    try {
      await sendMail({ to: "a@example.com", subject: "Plain", text: "hello" });
    } finally {
      delete process.env.EMAIL_FROM;
    }
    const message = await catcher.waitFor((m) => m.subject === "Plain");
    expect(message.from).toMatch(/^"?Acme Licensing"? <licenses@acme.test>$/);
    expect(message.html).toBeNull();
  });

  it("refuses to send without SMTP_URL, naming the variable", async () => {
    const url = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    try {
      await expect(sendMail({ to: "a@example.com", subject: "x", text: "y" })).rejects.toThrow(
        "SMTP_URL is not set; npm start sets it to the local mail catcher",
      );
    } finally {
      process.env.SMTP_URL = url;
    }
  });
});

describe("sendMail sends to exactly one address (API.md \"Input domain\": one address identifies one customer)", () => {
  // A paid Stripe checkout keeps the customer_details.email it is given (lib/payments/webhooks/customer.ts);
  // "a@x.test, b@y.test" reached nodemailer as two recipients and the license key went to both.
  it("refuses a recipient that is a list, a display name or no address at all, and sends nothing", async () => {
    for (const to of ["a@example.com, b@example.com", "a@example.com; b@example.com", "a@example.com b@example.com", "Kim <kim@example.com>", "nul\uFFFDx@example.com", ""]) {
      await expect(sendMail({ to, subject: "Key", text: "k" }), JSON.stringify(to)).rejects.toBeInstanceOf(UndeliverableAddressError);
    }
    expect(catcher.messages()).toEqual([]);
  });

  it("delivers to the one address in its identity form, an internationalised domain included", async () => {
    // Sent with the domain in ASCII (xn--bcher-kva); the catcher, like smtp-server, shows it in Unicode.
    await sendMail({ to: "  Buyer@BÜCHER.example ", subject: "IDN", text: "x" });
    expect((await catcher.waitFor((m) => m.subject === "IDN")).to).toEqual(["buyer@bücher.example"]);
  });

  it("delivers to one recipient exactly when the stored text is one address (property)", async () => {
    const part = fc.stringMatching(/^[a-z0-9._%+-]{1,12}$/);
    const to = fc.oneof(
      fc.tuple(part, part).map(([l, d]) => `${l}@${d}.test`),
      fc.tuple(part, part, part, fc.constantFrom(",", ";", " ", ", ")).map(([a, b, d, sep]) => `${a}@${d}.test${sep}${b}@${d}.test`),
    );
    await fc.assert(
      fc.asyncProperty(to, async (address) => {
        catcher.clear();
        const one = parseEmailAddress(address);
        const sent = sendMail({ to: address, subject: "P", text: "x" });
        if (one === null) {
          await expect(sent).rejects.toBeInstanceOf(UndeliverableAddressError);
          expect(catcher.messages()).toEqual([]);
        } else {
          await sent;
          expect((await catcher.waitFor((m) => m.subject === "P")).to).toEqual([one]);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("mail catcher inbox", () => {
  it("lists messages newest first over HTTP, serves one by id, and clears on DELETE", async () => {
    await sendMail({ to: "first@example.com", subject: "First", text: "one" });
    await catcher.waitFor((m) => m.subject === "First");
    await sendMail({ to: "second@example.com", subject: "Second", text: "two" });
    await catcher.waitFor((m) => m.subject === "Second");

    const list = (await (await fetch(`${catcher.webUrl}/messages`)).json()) as CaughtMessage[];
    expect(list.map((m) => m.subject)).toEqual(["Second", "First"]);

    const one = await fetch(`${catcher.webUrl}/messages/${list[1]!.id}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as CaughtMessage).to).toEqual(["first@example.com"]);
    expect((await fetch(`${catcher.webUrl}/messages/nope`)).status).toBe(404);

    expect((await fetch(`${catcher.webUrl}/messages`, { method: "DELETE" })).status).toBe(204);
    expect(catcher.messages()).toEqual([]);
  });

  it("renders a readable HTML inbox with every field escaped", async () => {
    await sendMail({
      to: "victim@example.com",
      subject: "<script>alert(1)</script> & more",
      text: "body with <img src=x onerror=alert(2)>",
    });
    await catcher.waitFor((m) => m.to.includes("victim@example.com"));

    const res = await fetch(`${catcher.webUrl}/`);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    expect(html).toContain("<pre>body with &lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain("victim@example.com");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
  });

  it("refuses messages over 1 MiB", async () => {
    const text = "x".repeat(1024 * 1024 + 1);
    await expect(sendMail({ to: "a@example.com", subject: "Huge", text })).rejects.toThrow("Message exceeds 1 MiB");
    expect(catcher.messages()).toEqual([]);
  });

  it("refuses a recipient under the reserved .invalid domain with 550, as a real server refuses a domain that cannot exist", async () => {
    await expect(sendMail({ to: "someone@bounce.invalid", subject: "Bounce", text: "x" })).rejects.toThrow(/550/);
    expect(catcher.messages()).toEqual([]);
  });

  it("waitFor rejects when no matching message arrives in time", async () => {
    await expect(catcher.waitFor((m) => m.subject === "never", 100)).rejects.toThrow(
      "No matching email arrived within 100 ms",
    );
  });

  it("waitFor resolves for a message that arrives after it was called", async () => {
    const waiting = catcher.waitFor((m) => m.subject === "Later", 5000);
    await sendMail({ to: "a@example.com", subject: "Later", text: "x" });
    expect((await waiting).subject).toBe("Later");
  });
});
