import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateLicenseKey } from "../licensing/keys";
import { createLogger, TurnBatchedDestination } from "./logger";
import { scrubSecrets } from "./redact";
import { currentRequestId, requestIdFrom, runWithRequestContext } from "./request-context";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const log = createLogger({ destination, level: "debug", pretty: false });
  return { log, lines, objects: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const KEY = generateLicenseKey("ZP");

describe("the logger", () => {
  it("writes JSON lines with level, time and message", () => {
    const { log, objects } = capture();
    log.info({ licenseId: "lic_1" }, "activated");
    expect(objects()[0]).toMatchObject({ level: "info", msg: "activated", licenseId: "lic_1" });
    expect(typeof objects()[0]?.time).toBe("string");
  });

  it("puts the request id on every line written on a request's behalf, and none outside", async () => {
    const { log, objects } = capture();
    await runWithRequestContext({ requestId: "req-123" }, async () => {
      log.info("first");
      await new Promise((r) => setTimeout(r, 5));
      log.warn("after an await");
    });
    log.info("outside");
    expect(objects().map((o) => o.requestId)).toEqual(["req-123", "req-123", undefined]);
  });

  it("censors secrets by field name: keys, tokens, cookies, Authorization", () => {
    const { log, lines } = capture();
    log.info({ key: KEY, token: "lpat_abcdef", headers: { authorization: "Bearer s3cret-token", cookie: "authjs.session-token=abc" } }, "fields");
    log.info({ req: { headers: { authorization: "Bearer s3cret-token", cookie: "sid=1", "set-cookie": "sid=2" } } }, "nested");
    log.info({ body: { key: KEY.toLowerCase(), password: "hunter2", secret: "whsec_abc" } }, "body");
    const text = lines.join("\n");
    for (const secret of [KEY, KEY.toLowerCase(), "lpat_abcdef", "s3cret-token", "authjs.session-token=abc", "sid=1", "sid=2", "hunter2", "whsec_abc"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("[redacted]");
  });

  it("censors the same names in a child logger's bindings and in printf-style arguments", () => {
    const { log, lines } = capture();
    log.child({ component: "payments", token: "lpat_child", secret: "hunter3" }).info({ licenseId: "lic_1" }, "child");
    log.info("object %j and %o", { password: "hunter4", headers: { "x-api-key": "xk_1" } }, { body: { key: "plain" } });
    log.info({ n: 1 }, "after an object: %j", { cookie: "sid=3" });
    const text = lines.join("\n");
    for (const secret of ["lpat_child", "hunter3", "hunter4", "xk_1", "plain", "sid=3"]) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: "payments", token: "[redacted]", secret: "[redacted]", licenseId: "lic_1" });
  });

  it("writes a line's fields in order and leaves fields with nothing secret as they are", () => {
    const { log, lines } = capture();
    runWithRequestContext({ requestId: "req-9" }, () =>
      log.info({ method: "POST", path: "/api/v1/licenses/validate", route: "/api/v1/licenses/validate", status: 200, ms: 1.5 }, "request completed"),
    );
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(["level", "time", "pid", "requestId", "method", "path", "route", "status", "ms", "msg"]);
    expect(line).toMatchObject({ requestId: "req-9", method: "POST", path: "/api/v1/licenses/validate", status: 200, ms: 1.5, msg: "request completed" });
  });

  it("scrubs secrets out of messages, free-text fields and errors", () => {
    const { log, lines } = capture();
    log.warn(`validation for ${KEY} failed`);
    log.error({ err: new Error(`no license for key ${KEY.toLowerCase()} (Authorization: Bearer lpat_XYZ123)`) }, "boom");
    log.info({ url: "postgresql://portal:pa55word@db.internal:5432/portal", note: `key=${KEY}` }, "connecting");
    log.info({ stripe: "sk_live_51Habc", hook: "whsec_Zm9vYmFy" }, "stripe");
    const text = lines.join("\n");
    for (const secret of [KEY, KEY.toLowerCase(), "lpat_XYZ123", "pa55word", "sk_live_51Habc", "whsec_Zm9vYmFy"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("postgresql://portal:[redacted]@db.internal:5432/portal");
    expect(JSON.parse(lines[1]!).err.stack).toContain("[redacted]");
  });

  it("scrubs every generated license key, in any case, wherever it sits in a text", () => {
    fc.assert(
      fc.property(fc.constantFrom("ZP", "ACME", "X", "AB12CD34"), fc.string(), fc.string(), fc.boolean(), (prefix, before, after, lower) => {
        const key = generateLicenseKey(prefix);
        const shown = lower ? key.toLowerCase() : key;
        expect(scrubSecrets(`${before} ${shown} ${after}`)).not.toContain(shown);
      }),
    );
  });

  it("leaves ordinary text alone", () => {
    const text = "license lic_9f3 activated on 2026-12-01T10:00:00Z by customer@example.com from http://localhost:3000/account";
    expect(scrubSecrets(text)).toBe(text);
  });
});

describe("the stdout destination", () => {
  it("writes a turn's lines together, in order, once the turn's I/O is done; a fatal line at once", async () => {
    const writes: string[] = [];
    const destination = new TurnBatchedDestination({ write: (text: string) => writes.push(text) });
    const log = createLogger({ destination, level: "info", pretty: false });
    log.info("one");
    log.info("two");
    log.warn("three");
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.trimEnd().split("\n").map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["one", "two", "three"]);

    log.info("before the fatal one");
    log.fatal("cannot go on");
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain("before the fatal one");
    expect(writes[1]).toContain("cannot go on");
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });
});

describe("request ids", () => {
  it("keeps a caller's well-formed id", () => {
    for (const id of ["4bf92f35-77b3-4da0-9f2a-1c5e0c1e2d3f", "01HZX3KQ7M8N9P0Q1R2S3T4V5W", "Root=1-67891233-abcdef012345678912345678", "req_123.abc:7"]) {
      expect(requestIdFrom(id)).toBe(id);
    }
  });

  it("replaces a malformed, empty, oversized or log-forging id with a new UUID", () => {
    for (const bad of ["", " ", "a b", "x\n{\"level\":\"fatal\"}", "é", "a".repeat(129), "-leading-dash", "<script>"]) {
      const id = requestIdFrom(bad);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("always yields a safe id, whatever the caller sends", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        const id = requestIdFrom(raw);
        expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}$/);
      }),
    );
  });

  it("is visible only inside its request", () => {
    expect(currentRequestId()).toBeUndefined();
    expect(runWithRequestContext({ requestId: "r1" }, () => currentRequestId())).toBe("r1");
  });
});
