import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  KEY_ALPHABET,
  decryptLicenseKey,
  deriveKeySecrets,
  encryptLicenseKey,
  generateLicenseKey,
  hashLicenseKey,
  licenseKeyHint,
  maskLicenseKey,
  normalizeLicenseKey,
} from "./keys";

const KEY_FORMAT = /^ZP-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/;
const { hmacKey, aesKey } = deriveKeySecrets(Buffer.alloc(32, 7));

describe("KEY_ALPHABET", () => {
  it("has 32 distinct symbols and no look-alikes", () => {
    expect(new Set(KEY_ALPHABET).size).toBe(32);
    expect(KEY_ALPHABET).not.toMatch(/[01OI]/);
  });
});

describe("generateLicenseKey", () => {
  it("produces PREFIX-XXXXX-XXXXX-XXXXX-XXXXX from the alphabet", () => {
    expect(generateLicenseKey("ZP")).toMatch(KEY_FORMAT);
    expect(generateLicenseKey("ACME2024")).toMatch(/^ACME2024(-[A-HJ-NP-Z2-9]{5}){4}$/);
  });

  it("never repeats over 10,000 keys and uses every symbol of the alphabet", () => {
    const keys = Array.from({ length: 10_000 }, () => generateLicenseKey("ZP"));
    expect(new Set(keys).size).toBe(keys.length);
    const used = new Set(keys.flatMap((key) => [...key.slice(3).replaceAll("-", "")]));
    expect([...used].sort().join("")).toBe([...KEY_ALPHABET].sort().join(""));
  });

  it.each(["", "zp", "TOOLONGPX", "Z-P", "ZP "])("rejects the prefix %j", (prefix) => {
    expect(() => generateLicenseKey(prefix)).toThrow(/prefix/);
  });
});

describe("normalize, hint and mask", () => {
  it("trims and upper-cases", () => {
    expect(normalizeLicenseKey("  zp-a3k2p-x9m4q-r7t2w-b5n8z\n")).toBe("ZP-A3K2P-X9M4Q-R7T2W-B5N8Z");
  });

  it("hints with the last group of the normalized key", () => {
    expect(licenseKeyHint(" zp-a3k2p-x9m4q-r7t2w-b5n8z ")).toBe("B5N8Z");
  });

  it("masks every group but the prefix and the hint", () => {
    expect(maskLicenseKey("ZP-A3K2P-X9M4Q-R7T2W-B5N8Z")).toBe("ZP-•••••-•••••-•••••-B5N8Z");
  });
});

describe("hashLicenseKey", () => {
  const key = "ZP-A3K2P-X9M4Q-R7T2W-B5N8Z";

  it("is a stable hex HMAC, equal across case and surrounding white space", () => {
    const hash = hashLicenseKey(key, hmacKey);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashLicenseKey(`\t${key.toLowerCase()} `, hmacKey)).toBe(hash);
  });

  it("differs for another key or another hmacKey", () => {
    const hash = hashLicenseKey(key, hmacKey);
    expect(hashLicenseKey("ZP-A3K2P-X9M4Q-R7T2W-B5N8Y", hmacKey)).not.toBe(hash);
    expect(hashLicenseKey(key, deriveKeySecrets(Buffer.alloc(32, 8)).hmacKey)).not.toBe(hash);
  });
});

describe("deriveKeySecrets", () => {
  it("derives two distinct 32-byte keys, deterministically", () => {
    const master = randomBytes(32);
    const a = deriveKeySecrets(master);
    expect(a.hmacKey).toHaveLength(32);
    expect(a.aesKey).toHaveLength(32);
    expect(a.hmacKey.equals(a.aesKey)).toBe(false);
    expect(deriveKeySecrets(master).aesKey.equals(a.aesKey)).toBe(true);
  });
});

describe("encryptLicenseKey / decryptLicenseKey", () => {
  const key = generateLicenseKey("ZP");

  it("round-trips, with a fresh IV each time and no plaintext in the output", () => {
    const a = encryptLicenseKey(key, aesKey);
    const b = encryptLicenseKey(key, aesKey);
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(key);
    expect(a).not.toContain(key.slice(-5));
    expect(decryptLicenseKey(a, aesKey)).toBe(key);
    expect(decryptLicenseKey(b, aesKey)).toBe(key);
  });

  it("throws with another key", () => {
    const other = deriveKeySecrets(Buffer.alloc(32, 9)).aesKey;
    expect(() => decryptLicenseKey(encryptLicenseKey(key, aesKey), other)).toThrow();
  });

  it("throws when any character of any part is changed", () => {
    const encrypted = encryptLicenseKey(key, aesKey);
    for (let i = 0; i < encrypted.length; i++) {
      if (encrypted[i] === ".") continue;
      const tampered = encrypted.slice(0, i) + (encrypted[i] === "A" ? "B" : "A") + encrypted.slice(i + 1);
      expect(() => decryptLicenseKey(tampered, aesKey), `position ${i}`).toThrow();
    }
  });

  it.each(["", "v1", "v1.a.b", "v2.a.b.c", "v1.a.b.c.d"])("throws on the malformed value %j", (value) => {
    expect(() => decryptLicenseKey(value, aesKey)).toThrow();
  });
});
