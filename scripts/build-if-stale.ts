// Builds the production app unless .next holds a build of exactly the current
// sources. "Current" is a content hash of everything that goes into the build,
// written next to Next's BUILD_ID after a successful build.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const INPUTS = ["app", "components", "lib", "public", "prisma/schema.prisma", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];
const SKIP_DIRS = new Set(["node_modules", "generated"]);
const HASH_FILE = path.join(".next", "portal-source-hash");

function* files(entry: string): Generator<string> {
  if (!existsSync(entry)) return;
  if (statSync(entry).isFile()) {
    yield entry;
    return;
  }
  for (const name of readdirSync(entry).sort()) {
    const full = path.join(entry, name);
    if (statSync(full).isDirectory()) {
      if (!SKIP_DIRS.has(name)) yield* files(full);
    } else if (!/\.test\.tsx?$/.test(name)) {
      yield full;
    }
  }
}

export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(input)) hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

export function buildIsCurrent(): boolean {
  return (
    existsSync(path.join(".next", "BUILD_ID")) && existsSync(HASH_FILE) && readFileSync(HASH_FILE, "utf8") === sourceHash()
  );
}

const LOCK_DIR = ".next-build.lock";

/**
 * Two processes starting at once (several test runners, two `npm start`s) must
 * not run `next build` into the same .next folder together: the second waits
 * for the first and then finds the build current.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      // A lock older than 15 minutes belongs to a build that died.
      const lockedAt = statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (lockedAt < Date.now() - 15 * 60_000) rmSync(LOCK_DIR, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

export async function buildIfStale(log: (line: string) => void): Promise<void> {
  if (buildIsCurrent()) {
    log("production build is current");
    return;
  }
  await withBuildLock(() => build(log));
}

async function build(log: (line: string) => void): Promise<void> {
  if (buildIsCurrent()) return; // another process built it while we waited
  const hash = sourceHash();
  log("building the production app (next build); this takes a minute or two the first time…");
  const nextBin = path.join("node_modules", "next", "dist", "bin", "next");
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit code ${code})`);
  writeFileSync(HASH_FILE, hash);
  log("build finished");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildIfStale((line) => console.log(`[build] ${line}`)).catch((error: Error) => {
    console.error(`[build] ${error.message}`);
    process.exit(1);
  });
}
