// CPU time of processes, read from /proc (Linux), for the benchmark's "CPU µs per
// request" figures. On a 2-core machine shared with the load generator, the
// requests a second swing by tens of percent between runs; the CPU time each
// request costs the server and PostgreSQL does not (ARCHITECTURE.md).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime/stime (USER_HZ, 100 on Linux nearly always). */
export const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

type Stat = { ppid: number; own: number; reaped: number };

/**
 * One process's `/proc/<pid>/stat`: its parent, its own utime+stime, and the
 * cutime+cstime of children it has waited for (so CPU spent by a PostgreSQL
 * backend that exited during the load is still counted, by the postmaster).
 * Ticks; null when the process is gone.
 */
function stat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: fields start after the last ")".
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
  return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
}

function allStats(): Map<number, Stat> {
  const stats = new Map<number, Stat>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) stats.set(Number(name), s);
  }
  return stats;
}

/**
 * CPU seconds used so far by `root` and every live descendant, plus what its
 * exited children used (cutime/cstime). Take it before and after a load: the
 * difference is what the load cost that process tree.
 */
export function treeCpuSeconds(root: number): number {
  const stats = allStats();
  const rootStat = stats.get(root);
  if (!rootStat) throw new Error(`process ${root} is gone`);
  let ticks = rootStat.own + rootStat.reaped;
  const tree = new Set([root]);
  // /proc lists parents before children nearly always; loop until nothing new joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, s] of stats) {
      if (!tree.has(pid) && tree.has(s.ppid)) {
        tree.add(pid);
        ticks += s.own + s.reaped;
        grew = true;
      }
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** The parent process id of `pid` (a PostgreSQL backend's parent is the postmaster). */
export function parentPid(pid: number): number {
  const s = stat(pid);
  if (!s) throw new Error(`process ${pid} is gone`);
  return s.ppid;
}

/** A PostgreSQL server's processes at one instant: each child's own CPU ticks and database, and what exited children used. */
export type PgSnapshot = { own: Map<number, { ticks: number; database: string | null }>; reaped: number };

/**
 * Every child of the postmaster with its CPU ticks and the database it serves
 * (`pg_stat_activity.datname`; null for the checkpointer, WAL writer,
 * autovacuum launcher and other processes of the whole server). `harness`
 * names the application_name of the benchmark's own connections, which are
 * left out (their queries are the measurement, not the load).
 */
export async function pgSnapshot(
  client: { query<R>(sql: string, values?: unknown[]): Promise<{ rows: R[] }> },
  postmaster: number,
  harness: string,
): Promise<PgSnapshot> {
  const { rows } = await client.query<{ pid: number; datname: string | null; application_name: string | null }>(
    "SELECT pid, datname, application_name FROM pg_stat_activity",
  );
  const activity = new Map(rows.map((r) => [r.pid, r]));
  const stats = allStats();
  const own = new Map<number, { ticks: number; database: string | null }>();
  for (const [pid, s] of stats) {
    if (s.ppid !== postmaster) continue;
    const a = activity.get(pid);
    if (a?.application_name === harness) continue;
    own.set(pid, { ticks: s.own + s.reaped, database: a?.datname ?? null });
  }
  const master = stats.get(postmaster);
  if (!master) throw new Error(`postmaster ${postmaster} is gone`);
  return { own, reaped: master.own + master.reaped };
}

/**
 * PostgreSQL CPU seconds between two snapshots spent for `database`: its
 * backends (pool, LISTEN and job connections, autovacuum workers), the
 * server-wide processes (WAL writer, checkpointer…: every database's writes
 * cost them, and so does this one's), the postmaster itself, and backends
 * that exited in between (their CPU after the first snapshot; whatever
 * database they served, which is small). Backends of other databases — other
 * scenarios' servers idling or draining their own jobs — are not counted.
 */
export function pgCpuSecondsFor(database: string, before: PgSnapshot, after: PgSnapshot): number {
  let ticks = 0;
  for (const [pid, p] of after.own) {
    if (p.database !== null && p.database !== database) continue;
    const b = before.own.get(pid);
    ticks += p.ticks - (b?.ticks ?? 0);
  }
  // The postmaster's own time and cutime/cstime: the exited children's whole lives, minus what they had used before.
  let exitedBefore = 0;
  for (const [pid, b] of before.own) if (!after.own.has(pid)) exitedBefore += b.ticks;
  ticks += Math.max(0, after.reaped - before.reaped - exitedBefore);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU seconds used so far, in user and in kernel (system) mode, by the threads of `pid`: `main` (the thread whose id is the process's: the
 * event loop and its JavaScript) and every other thread summed by its name (`/proc/<pid>/task/<tid>/comm`;
 * Node 20 names all of its helpers — V8's GC and compiler workers, libuv's pool — `node`, so they
 * come out as one `node` figure). Take it before and after a load to see how much of a process's CPU
 * is not its main thread's. Threads that exited in between are not counted.
 */
export function threadCpuSeconds(pid: number): Map<string, { user: number; system: number }> {
  const byName = new Map<string, { user: number; system: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = tid === String(pid) ? "main" : text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const sum = byName.get(name) ?? { user: 0, system: 0 };
      sum.user += Number(f[11]) / CLOCK_TICKS_PER_SECOND;
      sum.system += Number(f[12]) / CLOCK_TICKS_PER_SECOND;
      byName.set(name, sum);
    } catch {
      // The thread exited between the listing and the read.
    }
  }
  return byName;
}
