// The sign-in link's landing page, rendered as Next.js renders it: searchParams values are arrays
// when a name is given twice, whatever the props type says.
import { renderToStaticMarkup } from "react-dom/server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { singleSearchParam } from "@/lib/http/search-params";
import ConfirmSignInPage from "./page";

const render = async (callback: string | string[] | undefined) =>
  renderToStaticMarkup(await ConfirmSignInPage({ searchParams: Promise.resolve({ callback }) }));

const LINK = "/api/auth/callback/nodemailer?callbackUrl=%2Faccount&token=abc123&email=kim%40example.com";

describe("/signin/confirm", () => {
  it("offers the confirmation for the link the email carried", async () => {
    const html = await render(LINK);
    expect(html).toContain('action="/api/auth/callback/nodemailer"');
    expect(html).toContain("Sign in as <strong>kim@example.com</strong>?");
  });

  it("says the link is not valid when callback is given twice (it threw on the array: 500), missing, or elsewhere", async () => {
    for (const callback of [[LINK, LINK], [LINK, "/x"], [], undefined, "", "https://evil.test/api/auth/callback/nodemailer?token=1"]) {
      expect(await render(callback), JSON.stringify(callback)).toContain("This sign-in link is not valid.");
    }
  });

  it("never throws, whatever the query holds (property)", async () => {
    const value = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
    await fc.assert(fc.asyncProperty(value, async (callback) => {
          expect(typeof (await render(callback))).toBe("string");
        }), { numRuns: 100 });
  });
});

describe("singleSearchParam", () => {
  it("is the value for a string and undefined for an array or absence (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined)), (v) => {
        expect(singleSearchParam(v)).toBe(typeof v === "string" ? v : undefined);
      }),
    );
  });
});
