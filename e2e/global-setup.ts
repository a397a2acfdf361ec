// Starts the portal exactly as `npm start` does (production build, migrations,
// demo data), on a throw-away embedded database or a fresh database on the
// server in DATABASE_URL, and stops it after the run.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { withClient } from "../lib/db/with-client";
import { embeddedUrlFile } from "../lib/db/embedded-url";
import { startMailCatcher } from "../lib/email/catcher";
import { buildIfStale } from "../scripts/build-if-stale";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const E2E_ADMIN_TOKEN = "e2e-admin-token";

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the portal did not become healthy within ${timeoutMs / 1000} s`);
}

/** The portal's database on the embedded server it started in `dataDir` (lib/db/prepare.ts writes it). */
async function embeddedDatabaseUrl(dataDir: string): Promise<string> {
  const file = embeddedUrlFile(dataDir);
  const url = existsSync(file) ? (await readFile(file, "utf8")).trim() : "";
  if (!url) throw new Error(`the portal runs on its embedded PostgreSQL but did not write its address to ${file}`);
  return url;
}

/** Admins by ADMIN_EMAILS (see the server's env below), one per spec that signs in as an admin. */
export const E2E_EXTRA_ADMINS = [
  "webhooks-admin@example.com",
  "transfer-admin@example.com",
  "instants-admin@example.com",
  "trial-admin@example.com",
];

export default async function globalSetup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install Debian's build with \`sudo apt-get install -y chromium\` ` +
        "(Playwright's own browser download cannot work offline), or set CHROMIUM_PATH.",
    );
  }
  const port = Number(process.env.E2E_PORT);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-e2e-"));
  // mkdtemp makes it private; as root, the embedded server runs as the `postgres` user, who must reach its data inside.
  await chmod(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    PORTAL_DATA_DIR: dataDir,
    APP_URL: `http://localhost:${port}`,
    ADMIN_API_TOKEN: E2E_ADMIN_TOKEN,
    // Besides the seeded admin@example.com, one admin per spec that signs in as one: the sign-in limit
    // (5 emails per address and client in 15 minutes) holds in e2e as in production, and one shared
    // admin address ran out of it once the suite grew.
    ADMIN_EMAILS: E2E_EXTRA_ADMINS.join(","),
    // The tests are the only client and say which address each sign-in comes from (e2e/mail.ts signIn).
    TRUST_PROXY: "1",
    // An hour before any scheduled retry of a refused email, so an attempt the Emails spec sees after
    // Resend is the resend's own, not the schedule's (e2e/webhooks.spec.ts).
    EMAIL_RETRY_SCHEDULE: "3600,3600,3600",
  };

  let dropDatabase: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL) {
    const serverUrl = process.env.DATABASE_URL;
    const name = `portal_e2e_${Date.now().toString(36)}`;
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    dropDatabase = () => withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {});
  }

  // The tests read the portal's emails from this catcher (E2E_MAIL_URL).
  const mail = await startMailCatcher();
  env.SMTP_URL = mail.smtpUrl;
  process.env.E2E_MAIL_URL = mail.webUrl;

  // Build first, on its own clock: a build takes minutes on a busy machine, while a built portal that
  // is not healthy within two minutes is broken, and the wait below should say so without the build's time in it.
  await buildIfStale((line) => console.log(`[e2e] ${line}`));
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, stdio: ["ignore", "inherit", "inherit"] });
  // Stops the portal (SIGTERM: its own orderly stop, which stops the embedded PostgreSQL) and removes
  // what the setup made: after the run, or when the setup itself fails.
  const teardown = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    // A clean stop leaves no PostgreSQL behind (its pid file goes with it).
    if (existsSync(path.join(dataDir, "pg", "postmaster.pid"))) {
      throw new Error("the embedded PostgreSQL was still running after the portal stopped");
    }
    await mail.stop();
    await dropDatabase?.();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(`http://localhost:${port}`, child, 120_000);
  } catch (error) {
    // Playwright runs no teardown when the setup throws: stop what was started, or the portal (and its
    // embedded PostgreSQL) outlives the run and holds the port.
    await teardown();
    throw error;
  }
  // For specs that must store what no input accepts (e2e/stored-instants.spec.ts): the portal's own
  // database, on the server of DATABASE_URL or on the embedded one, whose port only the portal knows.
  process.env.E2E_DATABASE_URL = env.DATABASE_URL ?? (await embeddedDatabaseUrl(dataDir));

  return teardown;
}
