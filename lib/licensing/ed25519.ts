// Ed25519 signing for every signed answer and offline license file, through libsodium
// (`sodium-native`) rather than Node's `crypto.sign`.
//
// Why not node:crypto: the signature is the largest single cost of a license API answer. Node 20's
// bundled OpenSSL 3.0 signs Ed25519 with its portable 32-bit field arithmetic and fetches SHA-512
// from its provider on every call: under callgrind the signature was a third of the instructions the
// server spends on a validation (`FAST_PATH_CALLGRIND=1 scripts/bench/fast-path-cpu.ts`). libsodium's
// 64-bit arithmetic signs a validate answer's signature base in 32 µs of CPU against node:crypto's 60
// (`node --import tsx scripts/bench/sign-cpu.ts`, medians of 7 rounds, 2026-12-02).
//
// Ed25519 signing is deterministic (RFC 8032 §5.1.6: the nonce is derived from the key and the
// message), so both give byte-identical signatures; `ed25519.test.ts` checks that on generated keys
// and messages. Where libsodium's prebuilt addon cannot load (musl, glibc older than 2.33, a platform
// `sodium-native` ships no binary for), signing falls back to node:crypto with a warning: slower,
// never different.
import { createRequire } from "node:module";
import { sign, type KeyObject } from "node:crypto";
import { logger } from "../logging/logger";

/** Signs `message` (any bytes) and returns the 64-byte Ed25519 signature (RFC 8032). */
export type Ed25519Signer = (message: Buffer) => Buffer;

/** Which implementation signs: libsodium, or node:crypto where libsodium cannot load. */
export type Ed25519Engine = "sodium" | "node";

type Sodium = {
  crypto_sign_BYTES: number;
  crypto_sign_PUBLICKEYBYTES: number;
  crypto_sign_SECRETKEYBYTES: number;
  crypto_sign_seed_keypair(publicKey: Buffer, secretKey: Buffer, seed: Buffer): void;
  crypto_sign_detached(signature: Buffer, message: Buffer, secretKey: Buffer): void;
  sodium_malloc(size: number): Buffer;
  sodium_memzero(buffer: Buffer): void;
};

// Kept on globalThis: Next's bundle holds its own copies of this module, and the warning below is
// meant once per process, not once per copy.
const KEY = Symbol.for("license-portal.sodium");
const holder = globalThis as unknown as { [KEY]?: { lib: Sodium | null; warned: boolean } };

function warnFallback(error: unknown): void {
  const state = (holder[KEY] ??= { lib: null, warned: false });
  if (state.warned) return;
  state.warned = true;
  logger().warn({ err: error }, "libsodium (sodium-native) could not load; signing with node:crypto, which costs more CPU");
}

/** libsodium, or null when its addon cannot load here (warned once per process). */
function loadSodium(): Sodium | null {
  let state = holder[KEY];
  if (!state) {
    try {
      // A plain runtime require: the addon finds its prebuilt binary next to its own file, so it must
      // not be bundled (next.config.ts lists it in serverExternalPackages).
      state = holder[KEY] = { lib: createRequire(import.meta.url)("sodium-native") as Sodium, warned: false };
    } catch (error) {
      warnFallback(error);
      state = holder[KEY]!;
    }
  }
  return state.lib;
}

/** PKCS#8 (DER) of an Ed25519 private key is always these 16 bytes, then the 32-byte seed (RFC 8410 §7). */
export const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * A signer for `privateKey` (an Ed25519 KeyObject): libsodium when it loads, node:crypto otherwise.
 * With libsodium the secret key lives in its guarded memory (`sodium_malloc`: kept out of core dumps,
 * zeroed when freed), and the DER copy it was read from is zeroed; the caller should drop
 * `privateKey`, which otherwise keeps the key in OpenSSL's memory too. `engine` asks for one
 * implementation (tests, the benchmark); the result says which one signs.
 * Throws when `privateKey` is not Ed25519.
 */
export function ed25519Signer(privateKey: KeyObject, engine: Ed25519Engine = "sodium"): { sign: Ed25519Signer; engine: Ed25519Engine } {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`Ed25519 key expected, got ${privateKey.asymmetricKeyType}`);
  const lib = engine === "sodium" ? loadSodium() : null;
  if (lib) {
    const der = privateKey.export({ type: "pkcs8", format: "der" });
    try {
      if (der.length !== 48 || !der.subarray(0, 16).equals(PKCS8_ED25519_PREFIX)) throw new Error("unexpected PKCS#8 layout of an Ed25519 key");
      const publicKey = Buffer.alloc(lib.crypto_sign_PUBLICKEYBYTES);
      const secretKey = lib.sodium_malloc(lib.crypto_sign_SECRETKEYBYTES);
      lib.crypto_sign_seed_keypair(publicKey, secretKey, der.subarray(16));
      return {
        sign: (message) => {
          const signature = Buffer.allocUnsafe(lib.crypto_sign_BYTES);
          lib.crypto_sign_detached(signature, message, secretKey);
          return signature;
        },
        engine: "sodium",
      };
    } catch (error) {
      // Loaded but unusable (a changed binding, an allocation refused): sign the slower way rather than not at all.
      warnFallback(error);
    } finally {
      lib.sodium_memzero(der);
    }
  }
  return { sign: (message) => sign(null, message, privateKey), engine: "node" };
}
