import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Server } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { escapeHtml } from "../html/escape";

/**
 * A local mail catcher for development, demos and tests: an SMTP server that keeps every message
 * in memory and a small HTTP inbox to read them. Nothing is ever relayed.
 */

export type CaughtMessage = {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
};

export type MailCatcher = {
  smtpUrl: string;
  webUrl: string;
  messages(): CaughtMessage[];
  waitFor(pred: (m: CaughtMessage) => boolean, timeoutMs?: number): Promise<CaughtMessage>;
  clear(): void;
  stop(): Promise<void>;
};

const MAX_MESSAGES = 500;
const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startMailCatcher(
  opts: { smtpPort?: number; httpPort?: number; host?: string } = {},
): Promise<MailCatcher> {
  const host = opts.host ?? "127.0.0.1";
  let inbox: CaughtMessage[] = [];
  const listeners = new Set<(m: CaughtMessage) => void>();

  function keep(message: CaughtMessage) {
    inbox = [message, ...inbox].slice(0, MAX_MESSAGES);
    for (const listener of listeners) listener(message);
  }

  const smtp = new SMTPServer({
    authOptional: true,
    // Accept credentials over plain text too, so an SMTP_URL with a user and password still works.
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? "anonymous" }),
    disabledCommands: ["STARTTLS"],
    size: MAX_MESSAGE_BYTES,
    // stop() waits this long (smtp-server's default: 30 s) for a client's open connection.
    closeTimeout: 1_000,
    logger: false,
    // A domain under the reserved .invalid TLD (RFC 2606) cannot exist: refuse it as a real server
    // would (550), so a bounced email can be shown locally (the console's Emails page, its e2e test).
    onRcptTo(address, _session, callback) {
      if (/\.invalid$/i.test(address.address)) return callback(Object.assign(new Error("No such domain"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          // smtp-server only advertises SIZE; refusing an oversized message is up to us.
          if ((stream as typeof stream & { sizeExceeded?: boolean }).sizeExceeded) {
            return callback(Object.assign(new Error("Message exceeds 1 MiB"), { responseCode: 552 }));
          }
          keep({
            id: randomUUID(),
            from: parsed.from?.text || (session.envelope.mailFrom ? session.envelope.mailFrom.address : ""),
            // The envelope, not the To header, says who the message was delivered to (Bcc included).
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: parsed.html || null,
            receivedAt: new Date().toISOString(),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  const web = http.createServer((req, res) => handleHttp(req, res, () => inbox, () => (inbox = [])));

  const smtpPort = await listen(smtp.server, opts.smtpPort ?? 0, host);
  const httpPort = await listen(web, opts.httpPort ?? 0, host);

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: `http://${host}:${httpPort}`,
    messages: () => [...inbox],
    waitFor(pred, timeoutMs = 5000) {
      const found = inbox.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const listener = (message: CaughtMessage) => {
          if (!pred(message)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(message);
        };
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`No matching email arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(listener);
      });
    },
    clear: () => {
      inbox = [];
    },
    async stop() {
      web.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => web.close(() => resolve())),
      ]);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function handleHttp(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  inbox: () => CaughtMessage[],
  clear: () => void,
) {
  const path = new URL(req.url ?? "/", "http://catcher").pathname;
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };

  if (req.method === "GET" && path === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    return res.end(renderInbox(inbox()));
  }
  if (req.method === "GET" && path === "/messages") return json(200, inbox());
  if (req.method === "DELETE" && path === "/messages") {
    clear();
    res.writeHead(204);
    return res.end();
  }
  const match = /^\/messages\/([^/]+)$/.exec(path);
  if (req.method === "GET" && match) {
    const message = inbox().find((m) => m.id === decodeURIComponent(match[1] ?? ""));
    return message ? json(200, message) : json(404, { error: "No such message" });
  }
  json(404, { error: "Not found" });
}

function renderInbox(messages: CaughtMessage[]): string {
  const items = messages
    .map(
      (m) => `<article>
  <h2>${escapeHtml(m.subject || "(no subject)")}</h2>
  <p>To ${escapeHtml(m.to.join(", "))} · from ${escapeHtml(m.from)} · <time datetime="${escapeHtml(m.receivedAt)}">${escapeHtml(m.receivedAt)}</time></p>
  <pre>${escapeHtml(m.text)}</pre>
</article>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Mail catcher (${messages.length})</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}article{border-top:1px solid #ccc;padding:.5rem 0}pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem}</style>
</head>
<body>
<h1>Mail catcher</h1>
<p>${messages.length} message(s), newest first. Nothing here was really sent.</p>
${items || "<p>No messages yet.</p>"}
</body>
</html>`;
}
