import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "sdk/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**"],
    // Starts one PostgreSQL (embedded unless DATABASE_URL is set) for the whole run;
    // each integration test file then gets its own fresh database (lib/test/database.ts).
    globalSetup: ["lib/test/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
