// Real Debian daemons for integration tests: HAProxy in front of several app
// instances, PgBouncer in front of PostgreSQL, a private Redis. Each runs in the
// foreground as a child process (its own process group, so stop() takes all of
// it) with its configuration in a temporary directory, on a free port picked at
// start. Tests that need one use describeWithDaemons(): where the binary is
// missing the tests are skipped with a message naming the apt package to
// install, except under CI=true, where they fail with that message (CI must
// prove what a laptop may skip).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, it } from "vitest";

export type DaemonName = "haproxy" | "pgbouncer" | "redis-server";

/** Where Debian's package installs each daemon, and the package's name. */
export const DAEMONS: Record<DaemonName, { binary: string; aptPackage: string }> = {
  haproxy: { binary: "/usr/sbin/haproxy", aptPackage: "haproxy" },
  pgbouncer: { binary: "/usr/sbin/pgbouncer", aptPackage: "pgbouncer" },
  "redis-server": { binary: "/usr/bin/redis-server", aptPackage: "redis-server" },
};

/** The daemons of `names` whose binary is not installed. */
export function missingDaemons(names: DaemonName[]): DaemonName[] {
  return names.filter((name) => !existsSync(DAEMONS[name].binary));
}

/**
 * `describe(title, body)` when every daemon of `names` is installed. Otherwise:
 * under CI=true a describe whose one test fails saying which apt packages to
 * install; elsewhere a skipped describe, announced on the console with the same
 * advice (so `npm test` passes on a machine without them).
 */
export function describeWithDaemons(names: DaemonName[], title: string, body: () => void): void {
  const missing = missingDaemons(names);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const advice = `needs ${missing.map((n) => DAEMONS[n].binary).join(", ")}: apt-get install ${missing.map((n) => DAEMONS[n].aptPackage).join(" ")}`;
  if (process.env.CI === "true") {
    describe(title, () => {
      it("has the daemons it needs installed", () => {
        throw new Error(`${title} ${advice}`);
      });
    });
    return;
  }
  console.warn(`skipped "${title}": it ${advice}`);
  describe.skip(title, body);
}

/** A port nobody listens on right now (the kernel's pick; the daemon binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type Daemon = {
  port: number;
  dir: string;
  process: ChildProcess;
  /** SIGTERM to the daemon's process group, SIGKILL after 10 s; removes its directory. Safe to call twice. */
  stop: () => Promise<void>;
};

type StartOptions = {
  name: DaemonName;
  args: (dir: string) => string[];
  files: (dir: string) => Record<string, string>;
  port: number;
  /** the user to hand the directory to (PgBouncer refuses to run as root) */
  owner?: { uid: number; gid: number };
  /** how long to wait for the port to accept connections; default 60 s (a loaded machine is slow) */
  timeoutMs?: number;
};

async function startDaemon(options: StartOptions): Promise<Daemon> {
  const { binary, aptPackage } = DAEMONS[options.name];
  if (!existsSync(binary)) throw new Error(`${binary} is missing: apt-get install ${aptPackage}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), `portal-${options.name}-`));
  for (const [file, text] of Object.entries(options.files(dir))) await writeFile(path.join(dir, file), text);
  if (options.owner) {
    await chmod(dir, 0o755);
    await chown(dir, options.owner.uid, options.owner.gid);
    for (const file of Object.keys(options.files(dir))) await chown(path.join(dir, file), options.owner.uid, options.owner.gid);
  }
  const output: string[] = [];
  const child = spawn(binary, options.args(dir), { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk: Buffer) => void output.push(chunk.toString());
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve(void (exited = true))));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exited) {
        signalGroup(child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
        await exit;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })());
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${options.name} exited at start: ${output.join("").trim()}`);
    }
    if (await accepts(options.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not listen on port ${options.port} in time: ${output.join("").trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port: options.port, dir, process: child, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export type HAProxy = Daemon & {
  url: string;
  /** each backend's name (s0, s1, …) and whether HAProxy's health check holds it UP */
  backends: () => Promise<{ name: string; up: boolean }[]>;
  /** resolves once every backend is UP, or throws after `timeoutMs` (default 120 s) */
  untilAllUp: (timeoutMs?: number) => Promise<void>;
};

/**
 * HAProxy balancing round-robin over `backends` (http://127.0.0.1:<port> each,
 * named s0, s1, … in order), health-checked on GET /api/ready every second. It
 * adds X-Forwarded-For (so the app, with TRUST_PROXY=1, sees the client's own
 * address) and answers with `X-Served-By: <backend name>`, so a test can see
 * which instance served each request. Its stats (CSV) are on a second port.
 */
export async function startHAProxy(backends: number[]): Promise<HAProxy> {
  const [port, statsPort] = [await freePort(), await freePort()];
  const config = [
    "global",
    "  maxconn 2000",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 120s",
    "  timeout server 120s",
    "  option forwardfor",
    "frontend portal",
    `  bind 127.0.0.1:${port}`,
    "  default_backend instances",
    "frontend stats",
    `  bind 127.0.0.1:${statsPort}`,
    "  stats enable",
    "  stats uri /stats",
    "backend instances",
    "  balance roundrobin",
    "  option httpchk GET /api/ready",
    "  http-check expect status 200",
    "  http-response set-header X-Served-By %s",
    ...backends.map((p, i) => `  server s${i} 127.0.0.1:${p} check inter 1s fall 2 rise 1`),
    "",
  ].join("\n");
  const daemon = await startDaemon({
    name: "haproxy",
    port,
    files: () => ({ "haproxy.cfg": config }),
    // -db: foreground, no daemon mode; -f: the configuration.
    args: (dir) => ["-db", "-f", path.join(dir, "haproxy.cfg")],
  });
  const list = async () => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
    // "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,…"
    const header = csv.split("\n")[0]!.replace(/^# /, "").split(",");
    const [px, sv, status] = ["pxname", "svname", "status"].map((h) => header.indexOf(h));
    return csv
      .split("\n")
      .slice(1)
      .map((line) => line.split(","))
      .filter((f) => f[px!] === "instances" && /^s\d+$/.test(f[sv!] ?? ""))
      .map((f) => ({ name: f[sv!]!, up: f[status!]!.startsWith("UP") }));
  };
  return {
    ...daemon,
    url: `http://127.0.0.1:${port}`,
    backends: list,
    untilAllUp: async (timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const all = await list();
        if (all.length === backends.length && all.every((b) => b.up)) return;
        if (Date.now() > deadline) throw new Error(`HAProxy's backends are not all UP: ${JSON.stringify(all)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  };
}

export type PgBouncer = Daemon & {
  /** `databaseUrl` with its host and port replaced by PgBouncer's */
  urlFor: (databaseUrl: string) => string;
  /** the tail of PgBouncer's log, for a failing test's message */
  log: () => Promise<string>;
  /** the rows of an admin console command, e.g. show("SERVERS") */
  show: (what: string) => Promise<Record<string, unknown>[]>;
};

/**
 * PgBouncer in front of the PostgreSQL server of `serverUrl`, for every database
 * on it (clients connect to the same database names), in `poolMode`
 * (default "transaction") with `poolSize` server connections per database and
 * user (default 5). Clients authenticate with trust; PgBouncer logs in to
 * PostgreSQL with `serverUrl`'s user and password. Run as the `postgres` user
 * (else `nobody`) when the tests run as root, which PgBouncer refuses.
 */
export async function startPgBouncer(serverUrl: string, options: { poolMode?: "transaction" | "session"; poolSize?: number } = {}): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const port = await freePort();
  const user = decodeURIComponent(server.username || "postgres");
  const target = [
    `host=${server.hostname}`,
    `port=${server.port || 5432}`,
    `user=${user}`,
    ...(server.password ? [`password=${decodeURIComponent(server.password)}`] : []),
  ].join(" ");
  const owner = process.getuid?.() === 0 ? await unprivilegedUser() : undefined;
  const daemon = await startDaemon({
    name: "pgbouncer",
    port,
    owner,
    files: (dir) => ({
      "pgbouncer.ini": [
        "[databases]",
        `* = ${target}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        "auth_type = trust",
        `admin_users = ${user}`,
        `auth_file = ${path.join(dir, "userlist.txt")}`,
        `pool_mode = ${options.poolMode ?? "transaction"}`,
        `default_pool_size = ${options.poolSize ?? 5}`,
        "max_client_conn = 1000",
        // node-postgres and Prisma send these; PgBouncer refuses unknown startup parameters.
        "ignore_startup_parameters = extra_float_digits,options",
        `logfile = ${path.join(dir, "pgbouncer.log")}`,
        "",
      ].join("\n"),
      "userlist.txt": `"${user}" ""\n`,
    }),
    args: (dir) => [...(owner ? ["-u", owner.name] : []), path.join(dir, "pgbouncer.ini")],
  });
  return {
    ...daemon,
    urlFor: (databaseUrl) => {
      const u = new URL(databaseUrl);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      u.password = "";
      return u.toString();
    },
    show: async (what) => {
      const client = new pg.Client({ host: "127.0.0.1", port, user, database: "pgbouncer" });
      await client.connect();
      try {
        // The admin console speaks only the simple query protocol: a query without parameters.
        return (await client.query(`SHOW ${what}`)).rows;
      } finally {
        await client.end();
      }
    },
    log: async () => (await readFile(path.join(daemon.dir, "pgbouncer.log"), "utf8").catch(() => "")).split("\n").slice(-30).join("\n"),
  };
}

async function unprivilegedUser(): Promise<{ name: string; uid: number; gid: number }> {
  const passwd = await readFile("/etc/passwd", "utf8");
  for (const name of ["postgres", "nobody"]) {
    const fields = passwd.split("\n").find((line) => line.startsWith(`${name}:`))?.split(":");
    if (fields) return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error("running as root and neither a postgres nor a nobody user exists for PgBouncer to run as");
}

export type RedisServer = Daemon & { url: string };

/** A private redis-server (no persistence) on a free port: counters no other test or run shares. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const daemon = await startDaemon({
    name: "redis-server",
    port,
    files: () => ({}),
    args: (dir) => ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
  });
  return { ...daemon, url: `redis://127.0.0.1:${port}` };
}
