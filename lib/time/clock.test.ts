import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { generateSigningKeyPem } from "../licensing/signing";

// In a process of its own: loading next-server.js replaces the global Date for good.
const run = promisify(execFile);

describe("the hot path's clock", () => {
  it("is the engine's own Date in the portal's process, and a signed answer and its log line never touch Next's wrapper", async () => {
    // What the production server does: its modules (the license API's and the logger among them) are
    // evaluated, then creating the Next server loads next-server.js, which installs Next's wrappers.
    // After that, every use of the global Date or Date.now is counted while the license API answers
    // (a malformed body: no database needed, yet the whole signed path runs, rate limits on) and a
    // line is logged.
    const script = `
      const native = (f) => Function.prototype.toString.call(f).includes("[native code]");
      const before = { Date, now: Date.now, native: native(Date) };
      const { handleLicenseApi } = await import("./lib/licensing/api/router.ts");
      const { logger } = await import("./lib/logging/logger.ts");
      await import("./lib/server/http-server.ts");
      const { createRequire } = await import("node:module");
      createRequire(import.meta.url)("next/dist/server/next-server");
      const wrapped = Date;
      const after = { dateWrapped: Date !== before.Date, nowWrapped: Date.now !== before.now };
      let uses = 0;
      const wrappedNow = wrapped.now;
      globalThis.Date = new Proxy(wrapped, {
        construct: (target, args) => (uses++, Reflect.construct(target, args)),
        apply: (target, self, args) => (uses++, Reflect.apply(target, self, args)),
        get: (target, name) => (name === "now" ? () => (uses++, wrappedNow()) : Reflect.get(target, name)),
      });
      const answer = await handleLicenseApi({
        method: "POST", path: "/api/v1/licenses/validate", query: new URLSearchParams(), host: "portal.test",
        ip: "203.0.113.9", headers: { "content-type": "application/json" }, body: Buffer.from("{not json"),
      });
      logger().info({ status: answer.status }, "request completed");
      const usesOnHotPath = uses;
      globalThis.Date = wrapped;
      const captured = globalThis[Symbol.for("license-portal.native-date")];
      console.log("RESULT " + JSON.stringify({
        startedNative: before.native,
        ...after,
        clockKeptOriginal: captured === before.Date && native(captured),
        status: answer.status,
        signed: typeof answer.headers["License-Signature"] === "string",
        dateHeader: answer.headers.Date,
        usesOnHotPath,
      }));
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: process.cwd(),
      timeout: 60_000,
      env: {
        ...process.env,
        LICENSE_SIGNING_KEY: generateSigningKeyPem(),
        LICENSE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        RATE_LIMIT_PER_MINUTE: "120",
        REDIS_URL: "",
        LOG_FORMAT: "json",
      },
    });
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
    const seen = JSON.parse(line!.slice("RESULT ".length));
    // Next did wrap the globals (else this proves nothing), the clock kept the engine's own Date, and
    // the answer (signed, with a Date header of now) was made without a single call to the wrapper.
    expect(seen).toMatchObject({
      startedNative: true,
      dateWrapped: true,
      nowWrapped: true,
      clockKeptOriginal: true,
      status: 400,
      signed: true,
      usesOnHotPath: 0,
    });
    expect(Math.abs(Date.parse(seen.dateHeader) - Date.now())).toBeLessThan(60_000);
  }, 90_000);
});
