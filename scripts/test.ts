// `npm test`: type checking, lint, unit and integration tests (Vitest, real
// PostgreSQL: DATABASE_URL when set, else an embedded one), then the Playwright
// e2e tests against the production build in Debian's Chromium. Every step runs
// even when an earlier one failed, so one run shows every problem; the exit
// code is non-zero when any step failed.
import { spawnSync } from "node:child_process";
import path from "node:path";

const bin = (name: string) => path.join("node_modules", ".bin", name);
const steps: { name: string; command: string; args: string[] }[] = [
  { name: "typecheck", command: bin("tsc"), args: ["--noEmit"] },
  { name: "lint", command: bin("eslint"), args: ["--max-warnings=0", "."] },
  { name: "sdk build", command: bin("tsc"), args: ["-p", "sdk/tsconfig.json"] },
  { name: "unit and integration tests", command: bin("vitest"), args: ["run"] },
  { name: "e2e tests", command: bin("playwright"), args: ["test"] },
];

const only = process.argv.slice(2);
const results: { name: string; ok: boolean; seconds: number }[] = [];
for (const step of steps) {
  if (only.length && !only.some((o) => step.name.startsWith(o))) continue;
  console.log(`\n=== ${step.name}: ${[step.command, ...step.args].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(step.command, step.args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  results.push({ name: step.name, ok: result.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log("\n=== summary");
for (const r of results) console.log(`${r.ok ? "ok    " : "FAILED"} ${r.name} (${r.seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
