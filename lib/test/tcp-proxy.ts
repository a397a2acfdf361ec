// A TCP proxy for tests that need a network between the app and PostgreSQL that
// can fail the way real networks do: `blackHole()` silently swallows every byte
// in both directions (connections stay open, nothing arrives: a partition, a
// failover to a dead address); `restore()` forwards again for new connections
// (the swallowed ones stay dead, as after a real partition the peer has given up).
import net from "node:net";
import type { AddressInfo } from "node:net";

export type TcpProxy = { port: number; blackHole: () => void; restore: () => void; close: () => Promise<void> };

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let swallowing = false;
  const sockets = new Set<net.Socket>();
  const live = new Set<{ client: net.Socket; upstream: net.Socket }>();

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (swallowing) {
      client.on("data", () => {}); // read and drop: the sender sees no error, only silence
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    const pair = { client, upstream };
    live.add(pair);
    client.on("data", (chunk) => {
      if (!swallowing && live.has(pair)) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!swallowing && live.has(pair)) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    blackHole() {
      swallowing = true;
      live.clear(); // these connections never carry a byte again
    },
    restore() {
      swallowing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
