import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// In a process of its own: loading next-server.js replaces the global Date for good.
const run = promisify(execFile);

describe("the hot path's clock", () => {
  it("is the engine's own Date in the portal's process, after Next has wrapped the global one", async () => {
    // What the production server does: its modules (the license API's among them) are evaluated, then
    // creating the Next server loads next-server.js, which installs Next's wrappers.
    const script = `
      const before = { Date, now: Date.now };
      await import("./lib/server/http-server.ts");
      const { createRequire } = await import("node:module");
      createRequire(import.meta.url)("next/dist/server/next-server");
      // Imported only now: had the server's modules not loaded it before, it would get the wrapper.
      const clock = await import("./lib/time/clock.ts");
      const now = clock.currentTime();
      console.log(JSON.stringify({
        globalDateWrapped: Date !== before.Date,
        globalNowWrapped: Date.now !== before.now,
        clockKeptOriginal: globalThis[Symbol.for("license-portal.native-date")] === before.Date,
        isDate: now instanceof Date,
        skewMs: Math.abs(now.getTime() - Date.now()) + Math.abs(clock.epochMs() - Date.now()),
      }));
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), timeout: 60_000 });
    const seen = JSON.parse(stdout.trim().split("\n").at(-1)!);
    // Next did wrap the globals (else this test proves nothing), and the clock kept the original.
    expect(seen).toMatchObject({ globalDateWrapped: true, globalNowWrapped: true, clockKeptOriginal: true, isDate: true });
    expect(seen.skewMs).toBeLessThan(1_000);
  }, 90_000);
});
