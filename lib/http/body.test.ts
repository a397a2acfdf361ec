import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_BODY_LIMIT, WEBHOOK_BODY_LIMIT, readNodeBody, readWebBody } from "./body";
import { ApiError, errorResponse } from "./errors";

const LIMIT = 1024;

describe("limits", () => {
  it("are 16 KiB for the API and 1 MiB for the webhook", () => {
    expect(API_BODY_LIMIT).toBe(16_384);
    expect(WEBHOOK_BODY_LIMIT).toBe(1_048_576);
  });
});

describe("readNodeBody", () => {
  let server: http.Server;
  let url: string;
  // What the handler saw, for the last request: the body length or the error.
  let seen: { length?: number; error?: unknown } = {};

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      readNodeBody(req, LIMIT).then(
        (body) => {
          seen = { length: body.length };
          res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(body);
        },
        (error: unknown) => {
          seen = { error };
          const r = errorResponse(error);
          res.writeHead(r.status, { ...r.headers, "Content-Type": "application/json" }).end(JSON.stringify(r.json));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads a small body", async () => {
    const res = await fetch(url, { method: "POST", body: "hello" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello");
  });

  it("reads an empty body", async () => {
    const res = await fetch(url, { method: "POST" });
    expect(res.status).toBe(200);
    expect(seen).toEqual({ length: 0 });
  });

  it("accepts a body of exactly the limit", async () => {
    const body = "a".repeat(LIMIT);
    const res = await fetch(url, { method: "POST", body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(body);
  });

  it("refuses a declared length over the limit with 413, and the answer still arrives", async () => {
    const res = await fetch(url, { method: "POST", body: "a".repeat(LIMIT + 1) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(seen.error).toBeInstanceOf(ApiError);
    // The connection still serves the next request (the rest of the body was drained).
    expect((await fetch(url, { method: "POST", body: "ok" })).status).toBe(200);
  });

  it("refuses a declared length over the limit before the body arrives", async () => {
    // Declares limit + 1 bytes but sends only a few and keeps the connection open.
    const reply = await rawRequest(url, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${LIMIT + 1}\r\n\r\nabc`);
    expect(reply).toMatch(/^HTTP\/1.1 413 /);
  });

  it("stops as soon as a streamed body without Content-Length passes the limit", async () => {
    // Sends limit + 1 bytes and then never ends: only an early refusal can answer.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(LIMIT + 1));
      },
    });
    const res = await fetch(url, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    await res.body?.cancel();
  });

  it("reads only the declared length when the client sends more than it declared", async () => {
    seen = {};
    // Node frames the body by Content-Length; the surplus is parsed as a next
    // (malformed) request and answered 400 by Node, never appended to this body.
    await rawRequest(url, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n" + "b".repeat(LIMIT * 4));
    await expect.poll(() => seen).toEqual({ length: 5 });
  });

  it("rejects, instead of hanging, when the client disconnects mid-body", async () => {
    seen = {};
    const socket = net.connect(Number(new URL(url).port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part");
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await expect.poll(() => seen.error).toBeInstanceOf(ApiError);
    expect((seen.error as ApiError).code).toBe("BAD_REQUEST");
  });
});

/** Writes raw bytes on a fresh connection and returns what the server answers first. */
function rawRequest(url: string, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(url).port), "127.0.0.1", () => socket.write(raw));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString("latin1"));
    });
    socket.once("error", reject);
  });
}

describe("readWebBody", () => {
  const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
    new Request("http://localhost/api", { method: "POST", body, headers, duplex: "half" } as RequestInit);

  async function rejection(promise: Promise<unknown>): Promise<ApiError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }

  it("reads a small body, and an absent one as empty", async () => {
    expect((await readWebBody(post("hello"), LIMIT)).toString()).toBe("hello");
    expect((await readWebBody(post(null), LIMIT)).length).toBe(0);
  });

  it("accepts exactly the limit", async () => {
    expect((await readWebBody(post("a".repeat(LIMIT)), LIMIT)).length).toBe(LIMIT);
  });

  it("refuses a declared length over the limit without reading the body", async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>({
      pull() {
        pulled = true;
      },
    });
    const error = await rejection(readWebBody(post(body, { "content-length": String(LIMIT + 1) }), LIMIT));
    expect(error.status).toBe(413);
    expect(pulled).toBe(false);
  });

  it("counts the bytes when the declared length lies", async () => {
    const error = await rejection(readWebBody(post("a".repeat(LIMIT + 1), { "content-length": "5" }), LIMIT));
    expect(error.status).toBe(413);
  });

  it("stops pulling from an endless stream once past the limit", async () => {
    let cancelled = false;
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(100));
      },
      cancel() {
        cancelled = true;
      },
    });
    const error = await rejection(readWebBody(post(endless), LIMIT));
    expect(error.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(20);
  });
});
