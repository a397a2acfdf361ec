// The access log line's CPU cost, for comparing logger code: loads
// lib/logging from each source tree given (TREES, comma-separated, default
// `.`), writes the request pipeline's exact "request completed" line through
// each into a pipe, PER_TURN lines per event-loop turn (default 8), in
// interleaved rounds, and prints the median CPU µs per line. Interleaving in
// one process keeps the comparison fair on a machine whose load changes.
//
//   TREES=/path/to/old/checkout,. node --import tsx scripts/bench/log-line-cpu.ts
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino, { type DestinationStream } from "pino";

const TREES = (process.env.TREES ?? ".").split(",").map((t) => path.resolve(t));
const PER_TURN = Number(process.env.PER_TURN ?? 8);
const LINES = 4_000;
const ROUNDS = 30;

// A real pipe, drained by `cat`, as stdout is under a process manager.
const fifo = path.join(mkdtempSync(path.join(os.tmpdir(), "log-line-")), "pipe");
execFileSync("mkfifo", [fifo]);
const reader = spawn("sh", ["-c", `cat "${fifo}" > /dev/null`], { stdio: "ignore" });
const fd = openSync(fifo, "w");

type Tree = { name: string; log: { info(o: object, msg: string): void }; run<T>(c: { requestId: string }, f: () => T): T };
const trees: Tree[] = [];
for (const tree of TREES) {
  const logging = (await import(path.join(tree, "lib/logging/logger.ts"))) as {
    createLogger(o: { destination: DestinationStream; level: string; pretty: boolean }): Tree["log"];
    TurnBatchedDestination?: new (sink: DestinationStream) => DestinationStream;
  };
  const context = (await import(path.join(tree, "lib/logging/request-context.ts"))) as { runWithRequestContext: Tree["run"] };
  const sink = pino.destination({ dest: fd, sync: true });
  // What createLogger puts on stdout in that tree.
  const destination = logging.TurnBatchedDestination ? new logging.TurnBatchedDestination(sink) : sink;
  trees.push({ name: tree, log: logging.createLogger({ destination, level: "info", pretty: false }), run: context.runWithRequestContext });
}

const line = { method: "POST", path: "/api/v1/licenses/validate", route: "/api/v1/licenses/validate", status: 200, ms: 3.4 };
const turnEnd = () => new Promise((resolve) => setImmediate(resolve));
const figures = trees.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, t] of trees.entries()) {
    const before = process.cpuUsage();
    for (let turn = 0; turn < LINES / PER_TURN; turn++) {
      for (let j = 0; j < PER_TURN; j++) t.run({ requestId: "4bf92f35-77b3-4da0-9f2a-1c5e0c1e2d3f" }, () => t.log.info(line, "request completed"));
      await turnEnd();
    }
    const used = process.cpuUsage(before);
    if (round >= 5) figures[i]!.push((used.user + used.system) / LINES); // the first rounds warm the JIT up
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [i, t] of trees.entries()) console.log(`${median(figures[i]!).toFixed(1).padStart(6)} CPU µs per line  ${t.name}  (${PER_TURN} lines per turn)`);
reader.kill();
process.exit(0);
