import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiError, errorResponse, isDatabaseUnavailable, parseJsonBody, type ErrorCode } from "./errors";
import { logger } from "../logging/logger";

afterEach(() => vi.restoreAllMocks());

describe("ApiError", () => {
  it.each<[ErrorCode, number]>([
    ["BAD_REQUEST", 400],
    ["UNAUTHORIZED", 401],
    ["FORBIDDEN", 403],
    ["NOT_FOUND", 404],
    ["CONFLICT", 409],
    ["PAYLOAD_TOO_LARGE", 413],
    ["RATE_LIMITED", 429],
    ["UNAVAILABLE", 503],
    ["INTERNAL", 500],
  ])("%s answers %i with its code, message and headers", (code, status) => {
    const r = errorResponse(new ApiError(code, "why", { headers: { "X-A": "1" } }));
    expect(r).toEqual({ status, headers: { "X-A": "1" }, json: { error: { code, message: "why" } } });
  });

  it("carries issues when given", () => {
    const r = errorResponse(new ApiError("BAD_REQUEST", "bad", { issues: [{ path: "a", message: "m" }] }));
    expect(r.json.error.issues).toEqual([{ path: "a", message: "m" }]);
  });
});

describe("errorResponse", () => {
  it("maps a ZodError to 400 with dotted paths and without the input values", () => {
    const schema = z.object({ a: z.object({ b: z.string() }), list: z.array(z.number()) });
    const secret = "s3cr3t-value-that-must-not-be-echoed";
    const result = schema.safeParse({ a: { b: 1 }, list: [secret] });
    if (result.success) throw new Error("expected a parse failure");
    const r = errorResponse(result.error);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("BAD_REQUEST");
    expect(r.json.error.message).toBe("Invalid request body");
    expect(r.json.error.issues).toEqual([
      { path: "a.b", message: expect.any(String) },
      { path: "list.0", message: expect.any(String) },
    ]);
    expect(JSON.stringify(r)).not.toContain(secret);
  });

  it("maps an unreachable database to 503 with Retry-After", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const r = errorResponse(error);
    expect(r).toEqual({
      status: 503,
      headers: { "Retry-After": "5" },
      json: { error: { code: "UNAVAILABLE", message: expect.any(String) } },
    });
  });

  it("maps anything else to 500 without its message, and logs it once", () => {
    const log = vi.spyOn(logger(), "error").mockImplementation(() => {});
    const error = new Error("relation \"License\" does not exist at /srv/app/lib/secret.ts");
    const r = errorResponse(error);
    expect(r).toEqual({ status: 500, headers: {}, json: { error: { code: "INTERNAL", message: "Internal error" } } });
    expect(JSON.stringify(r)).not.toContain("License");
    expect(JSON.stringify(r)).not.toContain("secret.ts");
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toEqual({ err: error });
  });

  it("maps thrown non-errors to 500", () => {
    vi.spyOn(logger(), "error").mockImplementation(() => {});
    expect(errorResponse("boom").status).toBe(500);
    expect(errorResponse(undefined).status).toBe(500);
  });
});

describe("isDatabaseUnavailable", () => {
  const withCode = (code: string) => Object.assign(new Error("x"), { code });

  it.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "57P01", "57P03", "08006", "53300", "P1001", "P2024"])(
    "recognizes code %s",
    (code) => expect(isDatabaseUnavailable(withCode(code))).toBe(true),
  );

  it.each([
    "timeout exceeded when trying to connect",
    "Connection terminated unexpectedly",
    "Connection terminated due to connection timeout",
  ])("recognizes pg's message %j", (message) => expect(isDatabaseUnavailable(new Error(message))).toBe(true));

  it("walks cause chains and AggregateError members", () => {
    const nested = new Error("outer", { cause: new Error("middle", { cause: withCode("ECONNREFUSED") }) });
    expect(isDatabaseUnavailable(nested)).toBe(true);
    // What net.connect raises when every address of "localhost" refuses.
    const aggregate = new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "");
    expect(isDatabaseUnavailable(new Error("query failed", { cause: aggregate }))).toBe(true);
  });

  it("recognizes Prisma's driver-adapter errors, as Prisma 7 with @prisma/adapter-pg throws them", () => {
    // P2010 ($queryRaw failed) hides the reason in meta.driverAdapterError.cause.
    const adapterError = Object.assign(new Error("DatabaseNotReachable"), {
      name: "DriverAdapterError",
      cause: { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 },
    });
    const prismaError = Object.assign(new Error("Raw query failed"), {
      code: "P2010",
      meta: { driverAdapterError: adapterError },
    });
    expect(isDatabaseUnavailable(prismaError)).toBe(true);
    // A server shutting down mid-query surfaces as kind "postgres" with the SQLSTATE.
    const shutdown = Object.assign(new Error("x"), { code: "P2010", meta: { driverAdapterError: { cause: { kind: "postgres", code: "57P01" } } } });
    expect(isDatabaseUnavailable(shutdown)).toBe(true);
  });

  it("is false for ordinary errors, other SQLSTATEs and cyclic causes", () => {
    expect(isDatabaseUnavailable(new Error("nope"))).toBe(false);
    expect(isDatabaseUnavailable(withCode("23505"))).toBe(false);
    expect(isDatabaseUnavailable(withCode("P2002"))).toBe(false);
    expect(isDatabaseUnavailable({ meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation" } } } })).toBe(false);
    const a: { cause?: unknown } = {};
    a.cause = { cause: a };
    expect(isDatabaseUnavailable(a)).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});

describe("parseJsonBody", () => {
  const schema = z.object({ key: z.string(), n: z.number().optional() });
  const parse = (text: string | Buffer) => parseJsonBody(Buffer.isBuffer(text) ? text : Buffer.from(text), schema);

  it("returns the parsed value, unknown fields stripped", () => {
    expect(parse('{"key":"K","n":1,"extra":true}')).toEqual({ key: "K", n: 1 });
  });

  it.each([
    ["invalid JSON", "{key:"],
    ["empty body", ""],
    ["an array", '[{"key":"K"}]'],
    ["null", "null"],
    ["a number", "42"],
    ["a string", '"key"'],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
  ])("rejects %s as 400 'Body must be a JSON object'", (_label, text) => {
    let thrown: unknown;
    try {
      parse(text);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(errorResponse(thrown)).toMatchObject({
      status: 400,
      json: { error: { code: "BAD_REQUEST", message: "Body must be a JSON object" } },
    });
  });

  it("lets schema failures through as a ZodError that maps to 400 with issues", () => {
    let thrown: unknown;
    try {
      parse('{"key":5}');
    } catch (e) {
      thrown = e;
    }
    expect(errorResponse(thrown)).toMatchObject({ status: 400, json: { error: { issues: [{ path: "key" }] } } });
  });
});
