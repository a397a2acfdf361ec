// Where libsodium cannot be used, signing falls back to node:crypto and still signs, identically.
// The platform is simulated at node:module's createRequire, the one door ed25519.ts loads the addon
// through: first an addon that cannot load (musl, old glibc), then one that loads but fails.
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const platform = vi.hoisted(() => ({ addon: "missing" as "missing" | "broken" }));

vi.mock("node:module", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:module")>();
  const createRequire = () => (id: string) => {
    if (id !== "sodium-native") throw new Error(`unexpected require of ${id}`);
    if (platform.addon === "missing") throw Object.assign(new Error("No addon found for linux-x64-musl"), { code: "ADDON_NOT_FOUND" });
    // Loads, but its guarded allocator refuses (as when the memory lock limit is reached).
    return {
      crypto_sign_BYTES: 64,
      crypto_sign_PUBLICKEYBYTES: 32,
      crypto_sign_SECRETKEYBYTES: 64,
      crypto_sign_seed_keypair: () => {},
      crypto_sign_detached: () => {},
      sodium_malloc: () => {
        throw new Error("sodium_malloc failed");
      },
      sodium_memzero: (buffer: Buffer) => buffer.fill(0),
    };
  };
  return { ...actual, default: { ...actual, createRequire }, createRequire };
});

const STATE = Symbol.for("license-portal.sodium");

describe("ed25519Signer without a usable libsodium", () => {
  beforeEach(() => {
    // The fallback's warning is expected here; the logger is made afresh after resetModules.
    vi.stubEnv("LOG_LEVEL", "silent");
    vi.resetModules();
    delete (globalThis as Record<symbol, unknown>)[STATE];
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    delete (globalThis as Record<symbol, unknown>)[STATE];
  });

  for (const addon of ["missing", "broken"] as const) {
    it(`signs with node:crypto when the addon is ${addon}, with the same signatures`, async () => {
      platform.addon = addon;
      const { ed25519Signer } = await import("./ed25519");
      const { privateKey } = generateKeyPairSync("ed25519");
      const signer = ed25519Signer(privateKey);
      expect(signer.engine).toBe("node");
      for (const message of [Buffer.alloc(0), Buffer.from("(request-target): post /api/v1/licenses/validate")]) {
        const signature = signer.sign(message);
        expect(signature.equals(sign(null, message, privateKey))).toBe(true);
        expect(verify(null, message, privateKey, signature)).toBe(true);
      }
    });
  }

  it("tries to load the addon once per process, however many keys are made", async () => {
    platform.addon = "missing";
    const { ed25519Signer } = await import("./ed25519");
    for (let i = 0; i < 3; i++) expect(ed25519Signer(generateKeyPairSync("ed25519").privateKey).engine).toBe("node");
    expect((globalThis as Record<symbol, unknown>)[STATE]).toEqual({ lib: null, warned: true });
  });
});
