// Lighthouse's accessibility and best-practices categories at 100 on `/`, `/pricing` and a signed-in
// `/account`, with the desktop and the mobile preset. Both categories judge the page itself (contrast,
// names, landmarks, heading order, console errors, image sizes…), not the machine's speed, so they can
// be asserted; performance cannot, and `npm run lighthouse` only prints it.
import { expect, test, type Browser } from "@playwright/test";
import { PRESETS, auditPage, cookieHeader, launchForLighthouse } from "./lighthouse";
import { signIn } from "./mail";

const CUSTOMER = "customer@example.com"; // the demo customer, with its demo license

let lighthouse: { browser: Browser; port: number };
test.beforeAll(async () => {
  lighthouse = await launchForLighthouse();
});
test.afterAll(async () => {
  await lighthouse?.browser.close();
});

for (const pathname of ["/", "/pricing", "/account"]) {
  test(`${pathname}: accessibility and best practices score 100 on desktop and mobile`, async ({ page, baseURL }) => {
    // Lighthouse loads the page several times under its default throttling; a loaded machine is slow.
    test.setTimeout(600_000);
    let cookie: string | undefined;
    if (pathname === "/account") {
      await signIn(page, CUSTOMER);
      cookie = cookieHeader(await page.context().cookies(baseURL));
    }
    for (const preset of PRESETS) {
      const result = await auditPage(baseURL + pathname, { port: lighthouse.port, preset, cookie, categories: ["accessibility", "best-practices"] });
      const failing = result.failed.map((a) => `${a.id}: ${a.title}${a.items.length ? ` (${a.items.join("; ")})` : ""}`);
      expect(result.runtimeError, `${preset}: Lighthouse could not load ${pathname}`).toBeNull();
      expect(result.finalUrl, "the page itself was audited, not a redirect (the sign-in page)").toBe(baseURL + pathname);
      expect({ preset, scores: result.scores, failing }).toEqual({ preset, scores: { accessibility: 100, "best-practices": 100 }, failing: [] });
    }
  });
}
