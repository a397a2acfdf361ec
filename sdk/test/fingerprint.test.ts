// The machine fingerprint, with the OS sources replaced.
import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { fallbackIdentity, machineFingerprint, machineIdentity, type FingerprintSources } from "../src/fingerprint.js";
import { LicenseClient } from "../src/client.js";
import { testKeys } from "./signer.js";

const ID_A = "4c4c4544004a5a10804bb4c04f4e3332";
const ID_B = "9f1b2c3d4e5f60718293a4b5c6d7e8f9";

function nic(mac: string, internal = false): NetworkInterfaceInfo {
  return { address: "10.0.0.2", netmask: "255.0.0.0", family: "IPv4", mac, internal, cidr: "10.0.0.2/8" };
}

function linux(files: Record<string, string>, extra: Partial<FingerprintSources> = {}): Partial<FingerprintSources> {
  return {
    platform: "linux",
    readFile: (path) => files[path],
    run: () => undefined,
    hostname: () => "build-01",
    cpuModel: () => "Intel(R) Xeon(R) CPU",
    networkInterfaces: () => ({ lo: [nic("00:00:00:00:00:00", true)], eth0: [nic("02:42:ac:11:00:02")] }),
    ...extra,
  };
}

describe("machine id sources", () => {
  it("Linux: /etc/machine-id, else /var/lib/dbus/machine-id", () => {
    expect(machineIdentity(linux({ "/etc/machine-id": `${ID_A}\n` }))).toEqual({ raw: ID_A, source: "linux:/etc/machine-id" });
    expect(machineIdentity(linux({ "/var/lib/dbus/machine-id": ID_B }))).toEqual({ raw: ID_B, source: "linux:/var/lib/dbus/machine-id" });
    // An empty or uninitialized /etc/machine-id is skipped.
    expect(machineIdentity(linux({ "/etc/machine-id": "uninitialized\n", "/var/lib/dbus/machine-id": ID_B })).source).toBe("linux:/var/lib/dbus/machine-id");
  });

  it("macOS: IOPlatformUUID from ioreg", () => {
    const ioreg = `+-o J314sAP  <class IOPlatformExpertDevice>\n    {\n      "IOPlatformSerialNumber" = "C02XX"\n      "IOPlatformUUID" = "6F1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8"\n    }\n`;
    const calls: string[][] = [];
    const id = machineIdentity({
      ...linux({}),
      platform: "darwin",
      run: (cmd, args) => (calls.push([cmd, ...args]), cmd === "ioreg" ? ioreg : undefined),
    });
    expect(id).toEqual({ raw: "6f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8", source: "darwin:IOPlatformUUID" });
    expect(calls).toEqual([["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"]]);
  });

  it("Windows: MachineGuid from the registry", () => {
    const reg = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n    MachineGuid    REG_SZ    0d8a6c2e-3f4b-4e1a-9b7c-5d2e8f1a3b6c\r\n\r\n";
    const id = machineIdentity({ ...linux({}), platform: "win32", run: (cmd, args) => (cmd === "reg" && args.includes("MachineGuid") ? reg : undefined) });
    expect(id).toEqual({ raw: "0d8a6c2e-3f4b-4e1a-9b7c-5d2e8f1a3b6c", source: "win32:MachineGuid" });
  });

  it("falls back to hostname + processor + the first non-internal MAC when no id is readable", () => {
    expect(machineIdentity(linux({}))).toEqual({ raw: "build-01|Intel(R) Xeon(R) CPU|02:42:ac:11:00:02", source: "fallback" });
    expect(machineIdentity({ ...linux({}), platform: "darwin" }).source).toBe("fallback");
    expect(machineIdentity({ ...linux({}), platform: "win32" }).source).toBe("fallback");
    // Interfaces are taken in name order, so the enumeration order of the OS does not matter.
    const a = fallbackIdentity({ ...(linux({}) as FingerprintSources), networkInterfaces: () => ({ wlan0: [nic("aa:aa:aa:aa:aa:aa")], eth0: [nic("bb:bb:bb:bb:bb:bb")] }) });
    const b = fallbackIdentity({ ...(linux({}) as FingerprintSources), networkInterfaces: () => ({ eth0: [nic("bb:bb:bb:bb:bb:bb")], wlan0: [nic("aa:aa:aa:aa:aa:aa")] }) });
    expect(a).toEqual(b);
    expect(a.raw).toContain("bb:bb:bb:bb:bb:bb");
  });
});

describe("the fingerprint", () => {
  it("is a stable SHA-256 hex of the machine id and salt", () => {
    const sources = linux({ "/etc/machine-id": ID_A });
    const fp = machineFingerprint({ salt: "acme-editor", sources });
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(machineFingerprint({ salt: "acme-editor", sources })).toBe(fp);
    // Same id written differently (case, trailing newline) is the same machine.
    expect(machineFingerprint({ salt: "acme-editor", sources: linux({ "/etc/machine-id": `${ID_A.toUpperCase()}\n` }) })).toBe(fp);
    expect(fp).not.toContain(ID_A);
  });

  it("changes with the salt (per application) and with the machine", () => {
    const sources = linux({ "/etc/machine-id": ID_A });
    const fp = machineFingerprint({ salt: "acme-editor", sources });
    expect(machineFingerprint({ salt: "acme-viewer", sources })).not.toBe(fp);
    expect(machineFingerprint({ salt: "acme-editor", sources: linux({ "/etc/machine-id": ID_B }) })).not.toBe(fp);
  });

  it("in fallback mode changes with the host name and the MAC", () => {
    const base = machineFingerprint({ salt: "s", sources: linux({}) });
    expect(machineFingerprint({ salt: "s", sources: linux({}) })).toBe(base);
    expect(machineFingerprint({ salt: "s", sources: linux({}, { hostname: () => "build-02" }) })).not.toBe(base);
    expect(machineFingerprint({ salt: "s", sources: linux({}, { networkInterfaces: () => ({ eth0: [nic("02:42:ac:11:00:03")] }) }) })).not.toBe(base);
  });

  it("is stable on this very machine with the real sources", () => {
    const first = machineFingerprint({ salt: "sdk-test" });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(machineFingerprint({ salt: "sdk-test" })).toBe(first);
  });

  it("can be overridden in the client, or computed from injected sources", () => {
    const { publicKeyPem } = testKeys();
    const base = { server: "http://127.0.0.1:1", publicKey: publicKeyPem, licenseKey: "K", appId: "acme", cacheDir: false as const };
    expect(new LicenseClient({ ...base, fingerprint: "my-own-id" }).fingerprint).toBe("my-own-id");
    const sources = linux({ "/etc/machine-id": ID_A });
    expect(new LicenseClient({ ...base, fingerprintSources: sources }).fingerprint).toBe(machineFingerprint({ salt: "acme", sources }));
  });
});
