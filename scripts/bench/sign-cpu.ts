// The Ed25519 signature's CPU cost per signed answer, for each signing engine of
// lib/licensing/ed25519.ts: libsodium (sodium-native, what the server uses) and
// node:crypto (the fallback). Signs a validate answer's real signature base
// (API.md "Response signatures") SIGNATURES times per round (default 20,000), the
// engines interleaved, and prints each engine's median CPU µs per signature.
//
//   node --import tsx scripts/bench/sign-cpu.ts
import { createPrivateKey } from "node:crypto";
import { ed25519Signer } from "../../lib/licensing/ed25519";
import { bodyDigest, generateSigningKeyPem, signatureBase } from "../../lib/licensing/signing";

const SIGNATURES = Number(process.env.SIGNATURES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const privateKey = createPrivateKey(generateSigningKeyPem());
const body = JSON.stringify({ valid: true, code: "VALID", detail: "The license is valid", license: { id: "x".repeat(25) } });
const base = Buffer.from(
  signatureBase({ method: "POST", path: "/api/v1/licenses/validate", host: "licenses.example.com", date: new Date().toUTCString(), digest: bodyDigest(body) }),
);
// What each engine turns out to be (libsodium falls back to node:crypto where its addon cannot load).
const engines = (["sodium", "node"] as const).map((asked) => ({ ...ed25519Signer(privateKey, asked), figures: [] as number[] }));
if (engines[0]!.engine !== "sodium") console.log("libsodium did not load here: both rows are node:crypto");

for (let round = 0; round < ROUNDS; round++) {
  for (const e of round % 2 ? [...engines].reverse() : engines) {
    const before = process.cpuUsage();
    for (let i = 0; i < SIGNATURES; i++) e.sign(base);
    const used = process.cpuUsage(before);
    e.figures.push((used.user + used.system) / SIGNATURES);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`CPU µs per Ed25519 signature of a ${base.length}-byte signature base (median of ${ROUNDS} rounds, min–max):`);
for (const e of engines) {
  console.log(`  ${e.engine.padEnd(7)} ${median(e.figures).toFixed(1).padStart(6)}  (${Math.min(...e.figures).toFixed(1)}–${Math.max(...e.figures).toFixed(1)})`);
}
