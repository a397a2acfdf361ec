import { createPrivateKey, generateKeyPairSync, verify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ed25519Signer, PKCS8_ED25519_PREFIX } from "./ed25519";

// RFC 8032 §7.1, TEST 3: a known key, message and signature.
const RFC_SEED = "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7";
const RFC_PUBLIC = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025";
const RFC_MESSAGE = "af82";
const RFC_SIGNATURE =
  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a";

describe("ed25519Signer", () => {
  it("signs with libsodium on this platform (CI's linux-x64 has its prebuilt addon)", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    expect(ed25519Signer(privateKey).engine).toBe("sodium");
    expect(ed25519Signer(privateKey, "node").engine).toBe("node");
  });

  it("gives RFC 8032's signature for its test vector, with either engine", () => {
    const privateKey = createKeyFromSeed(Buffer.from(RFC_SEED, "hex"));
    expect(privateKey.export({ format: "jwk" }).x).toBe(Buffer.from(RFC_PUBLIC, "hex").toString("base64url"));
    for (const engine of ["sodium", "node"] as const) {
      expect(ed25519Signer(privateKey, engine).sign(Buffer.from(RFC_MESSAGE, "hex")).toString("hex")).toBe(RFC_SIGNATURE);
    }
  });

  it("gives byte-identical signatures to node:crypto for any key and message, which node:crypto verifies", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 2048 }), (seed, bytes) => {
        const privateKey = createKeyFromSeed(Buffer.from(seed));
        const message = Buffer.from(bytes);
        const sodium = ed25519Signer(privateKey).sign(message);
        expect(sodium.toString("hex")).toBe(ed25519Signer(privateKey, "node").sign(message).toString("hex"));
        expect(verify(null, message, privateKey, sodium)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a key that is not Ed25519", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => ed25519Signer(privateKey)).toThrow("Ed25519 key expected, got ec");
  });
});

// An Ed25519 KeyObject from a raw 32-byte seed.
function createKeyFromSeed(seed: Buffer) {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
}
