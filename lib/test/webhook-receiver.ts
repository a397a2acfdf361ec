// A real webhook receiver for tests: an HTTP server that verifies every
// delivery with the `standardwebhooks` package (as a vendor's own receiver
// would), records the verified ones, and can be told to fail or to go away.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type ReceivedEvent = { id: string; type: string; createdAt: string; data: Record<string, unknown>; headers: http.IncomingHttpHeaders };

export type WebhookReceiver = {
  url: string;
  /** deliveries whose signature verified and that were answered 2xx */
  received: ReceivedEvent[];
  /** every request, verified or not, answered or failed */
  requests: number;
  /** requests whose signature did not verify */
  rejected: number;
  /** the secret to verify with; set it after creating the endpoint */
  secret: string;
  /** answer this status (e.g. 500) instead of 204 to the next `count` requests */
  failNext: (count: number, status?: number) => void;
  /** take the next `count` requests and never answer them (a sender's send stays under way) */
  hangNext: (count: number) => void;
  /**
   * hold the next request (after any already held) until `release` is called: then answer it as
   * usual, or with `status` when given. `arrived` resolves once the request is in (a send under way).
   */
  holdNext: () => { arrived: Promise<void>; release: (status?: number) => void };
  /** answer the next `count` requests as usual, but only `ms` after they arrived (a slow receiver) */
  delayNext: (count: number, ms: number) => void;
  /** stop listening (connections refused) until up() */
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** resolves once `predicate` holds on `received` (checked on every delivery), or rejects after `timeoutMs` */
  waitFor: (predicate: (received: ReceivedEvent[]) => boolean, timeoutMs?: number) => Promise<ReceivedEvent[]>;
  close: () => Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let failures = 0;
  let hangs = 0;
  let delays = 0;
  let delayMs = 0;
  let failStatus = 500;
  const waiters = new Set<() => void>();
  const holds: { arrive: () => void; released: Promise<number | undefined> }[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    requests: 0,
    rejected: 0,
    secret: "",
    failNext: (count, status = 500) => {
      failures = count;
      failStatus = status;
    },
    hangNext: (count) => {
      hangs = count;
    },
    holdNext: () => {
      let arrive!: () => void;
      let release!: (status?: number) => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<number | undefined>((resolve) => (release = resolve));
      holds.push({ arrive, released });
      return { arrived, release };
    },
    delayNext: (count, ms) => {
      delays = count;
      delayMs = ms;
    },
    down: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
    up: () => listen(port),
    waitFor: (predicate, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(receiver.received)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(receiver.received);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`webhook receiver: condition not met within ${timeoutMs} ms (${receiver.received.length} received)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      receiver.requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      if (hangs > 0) {
        hangs--;
        return;
      }
      const hold = holds.shift();
      if (hold) {
        hold.arrive();
        void hold.released.then((status) => (status === undefined ? answer(req, res, body) : res.writeHead(status).end("held, then failed on purpose")));
        return;
      }
      if (delays > 0) {
        delays--;
        setTimeout(() => answer(req, res, body), delayMs);
        return;
      }
      answer(req, res, body);
    });
  });
  // Checks the signature and answers: what every request gets unless told to hang.
  const answer = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    if (failures > 0) {
      failures--;
      res.writeHead(failStatus).end("failing on purpose");
      return;
    }
    let event: ReceivedEvent;
    try {
      const parsed = new Webhook(receiver.secret).verify(body, req.headers as Record<string, string>) as Omit<ReceivedEvent, "headers">;
      event = { ...parsed, headers: req.headers };
    } catch {
      receiver.rejected++;
      res.writeHead(400).end("bad signature");
      return;
    }
    receiver.received.push(event);
    res.writeHead(204).end();
    for (const waiter of [...waiters]) waiter();
  };
  let port = 0;
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, "127.0.0.1", () => {
        server.off("error", reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen(0);
  receiver.url = `http://127.0.0.1:${port}/hooks`;
  return receiver;
}
