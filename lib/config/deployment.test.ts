import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assertDeployable, DeploymentConfigError, deploymentGaps } from "./deployment";
import { ensureSecrets } from "./secrets";

const COMPLETE = {
  APP_URL: "https://licenses.example.com",
  AUTH_SECRET: "a",
  LICENSE_SIGNING_KEY: "b",
  LICENSE_ENCRYPTION_KEY: "c",
  STRIPE_SECRET_KEY: "sk_live_x",
  STRIPE_WEBHOOK_SECRET: "whsec_x",
  SMTP_URL: "smtp://mail.example.com:587",
};

function without(...names: (keyof typeof COMPLETE)[]) {
  const env: Record<string, string | undefined> = { ...COMPLETE };
  for (const n of names) delete env[n];
  return env;
}

function refusal(env: Record<string, string | undefined>): DeploymentConfigError {
  try {
    assertDeployable(env);
  } catch (error) {
    if (error instanceof DeploymentConfigError) return error;
    throw error;
  }
  throw new Error("assertDeployable accepted the configuration");
}

describe("a public deployment (APP_URL https)", () => {
  it("starts when secrets, Stripe and SMTP are all set", () => {
    expect(assertDeployable(COMPLETE)).toEqual([]);
  });

  it.each([
    ["AUTH_SECRET"],
    ["LICENSE_SIGNING_KEY"],
    ["LICENSE_ENCRYPTION_KEY"],
    ["STRIPE_SECRET_KEY"],
    ["STRIPE_WEBHOOK_SECRET"],
    ["SMTP_URL"],
  ] as const)("refuses without %s and names it", (name) => {
    const error = refusal(without(name));
    expect(error.gaps.flatMap((g) => g.variables)).toEqual([name]);
    expect(error.message).toContain(`Set ${name}:`);
    expect(error.message).toContain("ALLOW_LOCAL_SERVICES=1");
  });

  it("names every missing variable at once, with what each stand-in would do", () => {
    const error = refusal({ APP_URL: "https://licenses.example.com" });
    expect(error.gaps.flatMap((g) => g.variables)).toEqual([
      "AUTH_SECRET",
      "LICENSE_SIGNING_KEY",
      "LICENSE_ENCRYPTION_KEY",
      "STRIPE_SECRET_KEY",
      "STRIPE_WEBHOOK_SECRET",
      "SMTP_URL",
    ]);
    expect(error.message).toMatch(/local Stripe emulator/);
    expect(error.message).toMatch(/local mail catcher/);
    expect(error.message).toMatch(/other instances could not read/);
  });

  it("counts blank values as missing", () => {
    expect(refusal({ ...COMPLETE, SMTP_URL: "  " }).gaps.flatMap((g) => g.variables)).toEqual(["SMTP_URL"]);
  });

  it("starts with the stand-ins when ALLOW_LOCAL_SERVICES=1, returning them for a warning", () => {
    const gaps = assertDeployable({ APP_URL: "https://staging.example.com", ALLOW_LOCAL_SERVICES: "1" });
    expect(gaps.flatMap((g) => g.variables)).toContain("SMTP_URL");
  });

  it("refuses to generate secrets, whichever entry point asks", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { APP_URL: "https://licenses.example.com" });
      delete process.env.AUTH_SECRET;
      delete process.env.ALLOW_LOCAL_SERVICES;
      expect(() => ensureSecrets()).toThrow(/AUTH_SECRET/);
    } finally {
      process.env = saved;
    }
  });
});

describe("a local start", () => {
  it.each(["http://localhost:3000", "http://127.0.0.1:3210", undefined, "not a url"])("needs nothing with APP_URL=%s", (appUrl) => {
    expect(assertDeployable({ APP_URL: appUrl })).toEqual([]);
    expect(deploymentGaps({ APP_URL: appUrl }).length).toBeGreaterThan(0); // the gaps exist, they just are fine locally
  });
});

describe("npm start on a half-configured public deployment", () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("exits with status 1 before building, migrating or generating anything, naming the variables", async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "portal-deploy-"));
    const env: NodeJS.ProcessEnv = { ...process.env, ...without("STRIPE_WEBHOOK_SECRET", "SMTP_URL"), PORTAL_DATA_DIR: dataDir, LOG_FORMAT: "json" };
    delete env.ALLOW_LOCAL_SERVICES;
    delete env.AUTH_SECRET;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    const line = output.split("\n").map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((o) => o?.level === "fatal");
    expect(line.variables).toEqual(["AUTH_SECRET", "STRIPE_WEBHOOK_SECRET", "SMTP_URL"]);
    expect(line.msg).toContain("refusing to start");
    expect(await readdir(dataDir)).toEqual([]); // no secrets.json, no embedded database
  }, 120_000);
});
