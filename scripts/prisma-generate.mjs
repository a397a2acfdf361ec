// `prisma generate`, offline. The Prisma CLI insists on locating its native schema
// engine before generating, and would download it from a host these machines
// cannot reach; the generator itself never runs it. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies the check (see
// ARCHITECTURE.md). A real engine, where one is installed, is left alone.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import process from "node:process";

const require = createRequire(import.meta.url);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
