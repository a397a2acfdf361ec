// The machine fingerprint: SHA-256 of the operating system's machine id and an application salt.
//
// Sources, by platform:
//   Linux    /etc/machine-id, else /var/lib/dbus/machine-id (32 hex digits, systemd / D-Bus)
//   macOS    IOPlatformUUID from `ioreg -rd1 -c IOPlatformExpertDevice`
//   Windows  MachineGuid from `reg query HKLM\SOFTWARE\Microsoft\Cryptography /v MachineGuid`
// These survive reboots and reinstalls of the application (not of the operating system).
//
// Fallback where none is readable (other systems, containers without /etc/machine-id): the seed's
// recipe, hostname + processor model + the first non-internal MAC address. It is less stable
// (a renamed host or a new network card changes it), which is why it is only the fallback.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";

/** Where the fingerprint reads the machine's identity; every field can be replaced in tests. */
export type FingerprintSources = {
  platform: NodeJS.Platform;
  /** The file's text, or undefined when it cannot be read. */
  readFile: (path: string) => string | undefined;
  /** The command's standard output, or undefined when it fails. */
  run: (command: string, args: string[]) => string | undefined;
  hostname: () => string;
  cpuModel: () => string;
  networkInterfaces: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
};

export type MachineIdentity = {
  /** The raw identity that is hashed (never sent anywhere). */
  raw: string;
  /** Which source it came from, e.g. "linux:/etc/machine-id" or "fallback". */
  source: string;
};

export type FingerprintOptions = {
  /** An application-specific salt: two applications on one machine get unrelated fingerprints. */
  salt: string;
  sources?: Partial<FingerprintSources>;
};

export const defaultSources: FingerprintSources = {
  platform: process.platform,
  readFile(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  run(command, args) {
    try {
      return execFileSync(command, args, { encoding: "utf8", timeout: 5_000, stdio: ["ignore", "pipe", "ignore"], windowsHide: true });
    } catch {
      return undefined;
    }
  },
  hostname: () => os.hostname(),
  cpuModel: () => os.cpus()[0]?.model.trim() ?? "",
  networkInterfaces: () => os.networkInterfaces(),
};

const LINUX_FILES = ["/etc/machine-id", "/var/lib/dbus/machine-id"];
const ZERO_MAC = "00:00:00:00:00:00";

/** The OS machine id, or null when this platform has none readable. */
export function osMachineId(sources: FingerprintSources = defaultSources): MachineIdentity | null {
  switch (sources.platform) {
    case "darwin": {
      const out = sources.run("ioreg", ["-rd1", "-c", "IOPlatformExpertDevice"]);
      const uuid = out && /"IOPlatformUUID"\s*=\s*"([0-9A-Fa-f-]{36})"/.exec(out)?.[1];
      return uuid ? { raw: uuid.toLowerCase(), source: "darwin:IOPlatformUUID" } : null;
    }
    case "win32": {
      const out = sources.run("reg", ["query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid"]);
      const guid = out && /MachineGuid\s+REG_SZ\s+([0-9A-Fa-f-]{36})/.exec(out)?.[1];
      return guid ? { raw: guid.toLowerCase(), source: "win32:MachineGuid" } : null;
    }
    default: {
      // Linux, and other systems that adopted systemd's or D-Bus's file.
      for (const path of LINUX_FILES) {
        const id = sources.readFile(path)?.trim().toLowerCase();
        // An empty or "uninitialized" file (first boot, some images) is no identity.
        if (id && /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id)) return { raw: id, source: `${sources.platform}:${path}` };
      }
      return null;
    }
  }
}

/** The seed's recipe: hostname + processor model + the first non-internal MAC (by interface name). */
export function fallbackIdentity(sources: FingerprintSources = defaultSources): MachineIdentity {
  const interfaces = sources.networkInterfaces();
  const mac =
    Object.keys(interfaces)
      .sort()
      .flatMap((name) => interfaces[name] ?? [])
      .find((i) => !i.internal && i.mac && i.mac !== ZERO_MAC)
      ?.mac.toLowerCase() ?? "";
  return { raw: [sources.hostname().toLowerCase(), sources.cpuModel(), mac].join("|"), source: "fallback" };
}

export function machineIdentity(sources: Partial<FingerprintSources> = {}): MachineIdentity {
  const all = { ...defaultSources, ...sources };
  return osMachineId(all) ?? fallbackIdentity(all);
}

/** SHA-256 hex of the identity and the salt; what the SDK sends as `fingerprint`. */
export function hashIdentity(identity: MachineIdentity, salt: string): string {
  // Length-prefixed so no salt/identity pair can collide with another by moving the boundary.
  return createHash("sha256")
    .update(`license-portal/fingerprint/v1\n${salt.length}:${salt}\n${identity.raw}`)
    .digest("hex");
}

/** This machine's fingerprint for the application named by `salt`. */
export function machineFingerprint(options: FingerprintOptions): string {
  return hashIdentity(machineIdentity(options.sources), options.salt);
}
