import { generateKeyPairSync, randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// Fresh secrets for every run, so tests never read or write the developer's .data/.
const testSecrets = {
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  LICENSE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  LICENSE_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  PORTAL_DATA_DIR: path.join(os.tmpdir(), `portal-vitest-${process.pid}`),
  // Keys in tests start with the default prefix, whatever the developer's shell says.
  LICENSE_KEY_PREFIX: "",
};

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${path.resolve(import.meta.dirname)}/` },
      // next-auth imports "next/server" without an extension, which Node's ESM resolution (vitest) refuses.
      { find: /^next\/server$/, replacement: "next/server.js" },
    ],
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "sdk/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**"],
    // Starts one PostgreSQL (embedded unless DATABASE_URL is set) for the whole run;
    // each integration test file then gets its own fresh database (lib/test/database.ts).
    globalSetup: ["lib/test/global-setup.ts"],
    // Through vite, so the "next/server" alias above applies to next-auth's own imports.
    server: { deps: { inline: ["next-auth"] } },
    pool: "forks",
    env: testSecrets,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
