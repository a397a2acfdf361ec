// Ed25519 signing for every signed answer and offline license file, through libsodium
// (`sodium-native`) rather than Node's `crypto.sign`.
//
// Why not node:crypto: the signature is the largest single cost of a license API answer. Node 20's
// bundled OpenSSL 3.0 signs Ed25519 with its portable 32-bit field arithmetic and fetches SHA-512
// from its provider on every call: 47 µs per signature on this project's machines, a third of the
// instructions the server spends on a validation (callgrind, `FAST_PATH_CALLGRIND=1
// scripts/bench/fast-path-cpu.ts`). libsodium's 64-bit arithmetic signs the same message in 32 µs
// (`node --import tsx scripts/bench/sign-cpu.ts`).
//
// Ed25519 signing is deterministic (RFC 8032 §5.1.6: the nonce is derived from the key and the
// message), so both give byte-identical signatures; `ed25519.test.ts` checks that on generated
// messages. Where libsodium's prebuilt addon cannot load (a platform `sodium-native` ships no binary
// for), signing falls back to node:crypto with a warning: slower, never different.
import { createRequire } from "node:module";
import { sign, type KeyObject } from "node:crypto";
import { logger } from "../logging/logger";

/** Signs `message` (any bytes) and returns the 64-byte Ed25519 signature (RFC 8032). */
export type Ed25519Signer = (message: Buffer) => Buffer;

type Sodium = {
  crypto_sign_BYTES: number;
  crypto_sign_PUBLICKEYBYTES: number;
  crypto_sign_SECRETKEYBYTES: number;
  crypto_sign_seed_keypair(publicKey: Buffer, secretKey: Buffer, seed: Buffer): void;
  crypto_sign_detached(signature: Buffer, message: Buffer, secretKey: Buffer): void;
  sodium_malloc(size: number): Buffer;
  sodium_memzero(buffer: Buffer): void;
};

let sodium: Sodium | null | undefined;

/** libsodium, or null when its addon cannot load here (warned once). */
function loadSodium(): Sodium | null {
  if (sodium === undefined) {
    try {
      // A plain runtime require: the addon finds its prebuilt binary next to its own file, so it must
      // not be bundled (next.config.ts lists it in serverExternalPackages).
      sodium = createRequire(import.meta.url)("sodium-native") as Sodium;
    } catch (error) {
      sodium = null;
      logger().warn({ err: error }, "libsodium (sodium-native) could not load; signing with node:crypto, which costs more CPU");
    }
  }
  return sodium;
}

/**
 * A signer for `privateKey` (an Ed25519 KeyObject): libsodium when it loads, node:crypto otherwise.
 * The secret key is copied once into libsodium's guarded memory (`sodium_malloc`: excluded from core
 * dumps, zeroed when freed). `engine` says which one signs, for tests and the benchmark.
 * Throws when `privateKey` is not Ed25519.
 */
export function ed25519Signer(privateKey: KeyObject, engine: "sodium" | "node" = "sodium"): { sign: Ed25519Signer; engine: "sodium" | "node" } {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`Ed25519 key expected, got ${privateKey.asymmetricKeyType}`);
  const lib = engine === "sodium" ? loadSodium() : null;
  if (!lib) return { sign: (message) => sign(null, message, privateKey), engine: "node" };

  // The JWK form is the one export that yields the raw 32-byte seed (RFC 8037 §2: `d`).
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  const publicKey = Buffer.alloc(lib.crypto_sign_PUBLICKEYBYTES);
  const secretKey = lib.sodium_malloc(lib.crypto_sign_SECRETKEYBYTES);
  lib.crypto_sign_seed_keypair(publicKey, secretKey, seed);
  lib.sodium_memzero(seed);
  return {
    sign: (message) => {
      const signature = Buffer.allocUnsafe(lib.crypto_sign_BYTES);
      lib.crypto_sign_detached(signature, message, secretKey);
      return signature;
    },
    engine: "sodium",
  };
}
