// The CLI for vendors and support: the same client the application uses, from a shell.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { defaultCacheDir } from "./cache.js";
import { fetchPublicKey, LicenseClient } from "./client.js";
import { machineFingerprint, type FingerprintSources } from "./fingerprint.js";
import type { LicenseCheck } from "./types.js";
import { pinKey } from "./verify.js";
import { PublishError, publishRelease } from "./release-command.js";

export const EXIT = { OK: 0, NOT_LICENSED: 1, USAGE: 2, UNREACHABLE: 3, UNTRUSTED: 4 } as const;

export const USAGE = `Usage: license-portal <command> [options]

Commands:
  activate      take a seat for this machine (idempotent) and save the signed answer
  status        is this machine licensed? (the saved answer is used when the server cannot be reached)
  deactivate    free this machine's seat and forget the saved answer and license file
  offline       check out a signed offline license file for this machine and save it
  fingerprint   print this machine's fingerprint for the application
  public-key    print the server's public key (PEM), to pin in the application
  release publish
                for CI: create a release, upload its files (streamed, SHA-256 checked), publish it

Release options (admin API token: --token or env LICENSE_PORTAL_ADMIN_TOKEN):
  --product SLUG --version SEMVER [--channel stable|beta|alpha] [--notes TEXT | --notes-file FILE]
  [--entitlement NAME]... --file PLATFORM/ARCH=PATH... [--draft]
      PLATFORM: darwin, linux, windows, any; ARCH: x64, arm64, universal, any. A PATH.sig file beside
      a file (Tauri's updater signature) is uploaded as its signature.

Options:
  --server URL        the portal (env LICENSE_SERVER)
  --key KEY           the license key (env LICENSE_KEY)
  --public-key FILE   the server's public key, PEM (env LICENSE_PUBLIC_KEY_FILE). Without it, the key
                      fetched on first use is pinned in the cache directory (trust on first use)
  --product SLUG      the product; the license must be for it
  --app-id ID         the application's appId (default: --product); it must match the application's,
                      or the fingerprint and the saved answer are not the application's
  --cache-dir DIR     where answers are saved (default: per user and app id)
  --local             status: decide from the saved answer only, without the server
  --install FILE      offline: install a license file obtained elsewhere instead of checking one out
  --out FILE          offline: also write the license file to FILE
  --json              print the result as JSON
  -h, --help

Exit codes: 0 licensed / done, 1 not licensed (refused, expired, grace over), 2 usage or
configuration error, 3 server unreachable and nothing saved, 4 answer rejected (signature, clock).
`;

export type CliIo = {
  env?: Record<string, string | undefined>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  fetch?: typeof fetch;
  now?: () => Date;
  fingerprintSources?: Partial<FingerprintSources>;
};

class UsageError extends Error {}

export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => void process.stderr.write(text));
  try {
    return await run(argv, { ...io, env, stdout: out, stderr: err });
  } catch (error) {
    if (error instanceof UsageError) {
      err(`license-portal: ${error.message}\n\nRun "license-portal --help" for the options.\n`);
      return EXIT.USAGE;
    }
    err(`license-portal: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.USAGE;
  }
}

type Io = Required<Pick<CliIo, "env" | "stdout" | "stderr">> & CliIo;

async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: "string" },
        key: { type: "string" },
        "public-key": { type: "string" },
        product: { type: "string" },
        "app-id": { type: "string" },
        "cache-dir": { type: "string" },
        local: { type: "boolean" },
        install: { type: "string" },
        out: { type: "string" },
        json: { type: "boolean" },
        token: { type: "string" },
        version: { type: "string" },
        channel: { type: "string" },
        notes: { type: "string" },
        "notes-file": { type: "string" },
        entitlement: { type: "string", multiple: true },
        file: { type: "string", multiple: true },
        draft: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === "help") {
    io.stdout(USAGE);
    return EXIT.OK;
  }
  if (!command) throw new UsageError("no command given");
  const isRelease = command === "release";
  if (isRelease && positionals[1] !== "publish") throw new UsageError('the release command is "release publish"');
  if (positionals.length > (isRelease ? 2 : 1)) throw new UsageError(`unexpected argument "${positionals[isRelease ? 2 : 1]}"`);

  const server = values.server ?? io.env.LICENSE_SERVER;
  if (!server) throw new UsageError("--server (or LICENSE_SERVER) is required");
  try {
    new URL(server);
  } catch {
    throw new UsageError(`--server: "${server}" is not a URL`);
  }

  if (command === "public-key") {
    const info = await fetchPublicKey(server, { fetch: io.fetch });
    if (values.json) io.stdout(`${JSON.stringify(info, null, 2)}\n`);
    else {
      io.stderr(`keyid ${info.keyid}: save this PEM with your application and pass it as publicKey.\n`);
      io.stdout(info.publicKey.endsWith("\n") ? info.publicKey : `${info.publicKey}\n`);
    }
    return EXIT.OK;
  }

  if (isRelease) {
    const token = values.token ?? io.env.LICENSE_PORTAL_ADMIN_TOKEN;
    if (!token) throw new UsageError("--token (or LICENSE_PORTAL_ADMIN_TOKEN) is required: an admin API token");
    if (!values.product || !values.version) throw new UsageError("--product and --version are required");
    if (!values.file?.length && !values.draft) throw new UsageError("--file PLATFORM/ARCH=PATH is required (or --draft)");
    try {
      const release = await publishRelease({
        server,
        token,
        product: values.product,
        version: values.version,
        channel: values.channel,
        notes: values["notes-file"] ? readFileSync(values["notes-file"], "utf8") : values.notes,
        entitlements: values.entitlement ?? [],
        files: values.file ?? [],
        draft: values.draft ?? false,
        fetch: io.fetch,
        log: (line) => io.stderr(`${line}\n`),
      });
      io.stdout(`${JSON.stringify(release, null, 2)}\n`);
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      io.stderr(`license-portal release publish: ${error.message}\n`);
      return error.usage ? EXIT.USAGE : EXIT.NOT_LICENSED;
    }
  }

  const appId = values["app-id"] ?? io.env.LICENSE_APP_ID ?? values.product;
  if (!appId) throw new UsageError("--app-id (or LICENSE_APP_ID, or --product) is required: use the application's appId");
  const cacheDir = values["cache-dir"] ?? defaultCacheDir(appId, io.env);

  if (command === "fingerprint") {
    io.stdout(`${machineFingerprint({ salt: appId, sources: io.fingerprintSources })}\n`);
    return EXIT.OK;
  }
  if (!["activate", "status", "deactivate", "offline"].includes(command)) throw new UsageError(`unknown command "${command}"`);

  const licenseKey = values.key ?? io.env.LICENSE_KEY;
  if (!licenseKey?.trim()) throw new UsageError("--key (or LICENSE_KEY) is required");
  const publicKey = await resolvePublicKey(server, values["public-key"] ?? io.env.LICENSE_PUBLIC_KEY_FILE, cacheDir, io, !values.local);

  const client = new LicenseClient({
    server,
    licenseKey,
    publicKey,
    appId,
    product: values.product,
    cacheDir,
    fetch: io.fetch,
    now: io.now,
    fingerprintSources: io.fingerprintSources,
  });

  switch (command) {
    case "activate":
      return report(await client.activate(), client, io, values.json);
    case "status":
      return report(values.local ? client.checkOffline() : await client.validate(), client, io, values.json);
    case "deactivate": {
      const result = await client.deactivate();
      if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok) io.stdout("Deactivated: this machine's seat is free and the saved answer is gone.\n");
      else io.stderr(`${result.code}: ${result.message}\n`);
      return result.ok ? EXIT.OK : exitFor(result.code);
    }
    default: {
      if (values.install) {
        const text = readFileSync(values.install, "utf8");
        return report(client.installOfflineFile(text), client, io, values.json);
      }
      const result = await client.checkoutOffline();
      if (!result.ok) {
        if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        else io.stderr(`${result.code}: ${result.message}\n`);
        return exitFor(result.code);
      }
      if (values.out) writeFileSync(values.out, result.certificate);
      if (values.json) io.stdout(`${JSON.stringify({ ok: true, expiresAt: result.expiresAt, license: result.license, file: values.out ?? null }, null, 2)}\n`);
      else {
        io.stdout(`Offline license file saved; valid until ${result.expiresAt.toISOString()}.\n`);
        if (values.out) io.stdout(`Written to ${values.out}.\n`);
      }
      return EXIT.OK;
    }
  }
}

/** --public-key FILE, else a key pinned earlier in the cache directory, else fetched now and pinned. */
async function resolvePublicKey(server: string, file: string | undefined, cacheDir: string, io: Io, mayFetch: boolean): Promise<string> {
  if (file) {
    let pem: string;
    try {
      pem = readFileSync(file, "utf8");
      pinKey(pem); // a clear error now for a file that is not an Ed25519 public key
    } catch (error) {
      throw new UsageError(`--public-key ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return pem;
  }
  const pinnedFile = path.join(cacheDir, `server-${createHash("sha256").update(new URL(server).origin).digest("hex").slice(0, 16)}.pem`);
  try {
    return readFileSync(pinnedFile, "utf8");
  } catch {
    // not pinned yet
  }
  if (!mayFetch) throw new UsageError("no public key: pass --public-key FILE");
  const info = await fetchPublicKey(server, { fetch: io.fetch });
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  writeFileSync(pinnedFile, info.publicKey, { mode: 0o600 });
  io.stderr(`Pinned the server's key ${info.keyid} in ${pinnedFile} (trust on first use). Applications should ship the PEM instead.\n`);
  return info.publicKey;
}

function report(check: LicenseCheck, client: LicenseClient, io: Io, json: boolean | undefined): number {
  if (json) {
    io.stdout(`${JSON.stringify({ ...check, fingerprint: client.fingerprint, cache: client.cacheLocation }, null, 2)}\n`);
    return exitFor(check.valid ? "VALID" : check.code);
  }
  const lines = [`${check.code}: ${check.message}`];
  const l = check.license;
  if (l) {
    lines.push(`  license       ${l.id} (product ${l.product}, plan ${l.plan}, ${l.status})`);
    lines.push(`  expires       ${l.expiresAt ?? "never"}`);
    lines.push(`  machines      ${l.activeMachines} of ${l.maxMachines} in use${l.floating ? " (floating)" : ""}`);
    lines.push(`  entitlements  ${l.entitlements.join(", ") || "(none)"}`);
  }
  lines.push(`  fingerprint   ${client.fingerprint}`);
  const source = { server: "the server", cache: "the saved answer", "offline-file": "the offline license file", none: "nothing saved" }[check.source];
  lines.push(`  decided by    ${source}${check.offlineReason ? ` (server not used: ${check.offlineReason})` : ""}`);
  if (check.validUntil) lines.push(`  offline until ${check.validUntil.toISOString()}`);
  (check.valid ? io.stdout : io.stderr)(`${lines.join("\n")}\n`);
  return exitFor(check.valid ? "VALID" : check.code);
}

export function exitFor(code: string): number {
  if (code === "VALID") return EXIT.OK;
  if (code === "UNREACHABLE") return EXIT.UNREACHABLE;
  if (code === "UNTRUSTED_RESPONSE" || code === "CLOCK_SKEW" || code === "CLOCK_ROLLBACK") return EXIT.UNTRUSTED;
  if (code === "BAD_REQUEST") return EXIT.USAGE;
  return EXIT.NOT_LICENSED;
}
