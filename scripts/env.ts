import { existsSync } from "node:fs";

/** Reads .env into process.env (values already set win), as Next does for the app itself. */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
