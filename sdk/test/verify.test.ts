// Signature checks of live answers and offline files: everything a proxy could try.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createOfflineCertificate } from "../../lib/licensing/offline";
import { signingKeyFromPem, signResponse, generateSigningKeyPem } from "../../lib/licensing/signing";
import { keyIdOf, pinKey, ResponseVerifier, verifyOfflineFile, verifySignature } from "../src/verify.js";
import { offlineFile, signAnswer, testKeys, verdict } from "./signer.js";

const keys = testKeys();
const other = testKeys();
const req = { method: "POST", path: "/api/v1/licenses/validate", host: "licenses.example.com" };
const T0 = Date.parse("2026-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);

function verifier(now = T0, publicKey = keys.publicKeyPem) {
  return new ResponseVerifier({ publicKey, now: () => now });
}

function answer(nonce: string | null = "n1", opts: { date?: Date; code?: "VALID" | "SUSPENDED" } = {}) {
  const body = verdict(opts.code ?? "VALID", { nonce, ts: opts.date ?? at(0), fingerprint: "fp" });
  return signAnswer(keys, req, body, { date: opts.date ?? at(0) });
}

describe("live answers", () => {
  it("accepts an answer signed by the pinned key for this request and nonce", () => {
    const a = answer();
    const result = verifier().verify(req, a.headers, a.body, "n1");
    expect(result.ok).toBe(true);
    expect(result.ok && (result.json as { valid: boolean }).valid).toBe(true);
  });

  it("rejects a tampered body (the digest no longer matches)", () => {
    const a = answer("n1", { code: "SUSPENDED" });
    const forged = a.body.replace('"valid":false', '"valid":true').replace(/"SUSPENDED"/g, '"VALID"');
    expect(forged).not.toBe(a.body);
    const result = verifier().verify(req, a.headers, forged, "n1");
    expect(result).toMatchObject({ ok: false, failure: "BAD_DIGEST" });
  });

  it("rejects a tampered body whose Digest header was recomputed (the signature no longer matches)", () => {
    const a = answer("n1", { code: "SUSPENDED" });
    const forged = a.body.replace('"valid":false', '"valid":true').replace(/"SUSPENDED"/g, '"VALID"');
    const digest = `sha-256=${createHash("sha256").update(forged).digest("base64")}`;
    const result = verifier().verify(req, { ...a.headers, digest }, forged, "n1");
    expect(result).toMatchObject({ ok: false, failure: "BAD_SIGNATURE" });
  });

  it("rejects tampered headers: another Date, another path, another host", () => {
    const a = answer();
    const v = verifier();
    expect(v.verify(req, { ...a.headers, date: at(1000).toUTCString() }, a.body, "n1")).toMatchObject({ ok: false, failure: "BAD_SIGNATURE" });
    expect(v.verify({ ...req, path: "/api/v1/licenses/activate" }, a.headers, a.body, "n1")).toMatchObject({ ok: false, failure: "BAD_SIGNATURE" });
    expect(v.verify({ ...req, host: "evil.example.com" }, a.headers, a.body, "n1")).toMatchObject({ ok: false, failure: "BAD_SIGNATURE" });
    const sig = a.headers.signature.replace(/signature="(.)/, (_m, c: string) => `signature="${c === "A" ? "B" : "A"}`);
    expect(v.verify(req, { ...a.headers, signature: sig }, a.body, "n1")).toMatchObject({ ok: false, failure: "BAD_SIGNATURE" });
    // And the untouched answer still passes, so the failures above are the tampering's.
    expect(v.verify(req, a.headers, a.body, "n1").ok).toBe(true);
  });

  it("rejects an answer signed by another key, whatever keyid it claims", () => {
    const body = verdict("VALID", { nonce: "n1", ts: at(0), fingerprint: "fp" });
    const claimed = signAnswer(other, req, body, { date: at(0), keyId: keys.keyId });
    expect(verifier().verify(req, claimed.headers, claimed.body, "n1")).toMatchObject({ ok: false, failure: "BAD_SIGNATURE" });
    const own = signAnswer(other, req, body, { date: at(0) });
    expect(verifier().verify(req, own.headers, own.body, "n1")).toMatchObject({ ok: false, failure: "UNKNOWN_KEY" });
    // Pinned to the wrong key, the genuine answer fails too.
    const genuine = answer();
    expect(verifier(T0, other.publicKeyPem).verify(req, genuine.headers, genuine.body, "n1")).toMatchObject({ ok: false, failure: "UNKNOWN_KEY" });
  });

  it("rejects an answer without signature headers", () => {
    const a = answer();
    expect(verifier().verify(req, { ...a.headers, signature: null }, a.body, "n1")).toMatchObject({ ok: false, failure: "MISSING_SIGNATURE" });
    expect(verifier().verify(req, { ...a.headers, digest: null }, a.body, "n1")).toMatchObject({ ok: false, failure: "MISSING_SIGNATURE" });
  });

  it("rejects an answer to another nonce, and one that echoes none", () => {
    const a = answer("someone-else");
    expect(verifier().verify(req, a.headers, a.body, "n1")).toMatchObject({ ok: false, failure: "NONCE_MISMATCH" });
    const noMeta = signAnswer(keys, req, { valid: true, code: "VALID" }, { date: at(0) });
    expect(verifier().verify(req, noMeta.headers, noMeta.body, "n1")).toMatchObject({ ok: false, failure: "NONCE_MISMATCH" });
  });

  it("rejects a replayed answer: the same nonce, and the same nonce-less success, are accepted once", () => {
    const v = verifier();
    const a = answer();
    expect(v.verify(req, a.headers, a.body, "n1").ok).toBe(true);
    expect(v.verify(req, a.headers, a.body, "n1")).toMatchObject({ ok: false, failure: "REPLAYED" });

    const dreq = { ...req, path: "/api/v1/licenses/deactivate" };
    const d = signAnswer(keys, dreq, { deactivated: true }, { date: at(0) });
    expect(v.verify(dreq, d.headers, d.body, null).ok).toBe(true);
    expect(v.verify(dreq, d.headers, d.body, null)).toMatchObject({ ok: false, failure: "REPLAYED" });
  });

  it("accepts signed errors, which echo no nonce and grant nothing", () => {
    const e = signAnswer(keys, req, { error: { code: "RATE_LIMITED", message: "slow down" } }, { date: at(0), status: 429 });
    const v = verifier();
    expect(v.verify(req, e.headers, e.body, "n1").ok).toBe(true);
    expect(v.verify(req, e.headers, e.body, "n2").ok).toBe(true);
  });

  it("rejects an old (or future) Date beyond 5 minutes, and accepts one within", () => {
    const old = answer("n1", { date: at(-6 * 60_000) });
    expect(verifier().verify(req, old.headers, old.body, "n1")).toMatchObject({ ok: false, failure: "STALE_DATE" });
    const future = answer("n2", { date: at(6 * 60_000) });
    expect(verifier().verify(req, future.headers, future.body, "n2")).toMatchObject({ ok: false, failure: "STALE_DATE" });
    const recent = answer("n3", { date: at(-4 * 60_000) });
    expect(verifier().verify(req, recent.headers, recent.body, "n3").ok).toBe(true);
  });

  it("verifySignature alone ignores the clock (for saved answers)", () => {
    const old = answer("n1", { date: at(-30 * 86_400_000) });
    expect(verifySignature(pinKey(keys.publicKeyPem), req, old.headers, old.body).ok).toBe(true);
  });

  it("refuses to pin a private key or a non-Ed25519 key", () => {
    expect(() => pinKey(keys.privateKey)).toThrow(/public/);
    expect(() => pinKey("not a key")).toThrow();
  });
});

describe("the real server's signatures", () => {
  const serverKey = signingKeyFromPem(generateSigningKeyPem());

  it("computes the server's keyid and accepts the server's signed answers", () => {
    expect(keyIdOf(serverKey.publicKey)).toBe(serverKey.keyId);
    const body = JSON.stringify(verdict("VALID", { nonce: "n1", ts: new Date(), fingerprint: "fp" }));
    const headers = signResponse(serverKey, { method: "POST", path: "/api/v1/licenses/validate?x=1", host: "127.0.0.1:3000" }, body);
    const v = new ResponseVerifier({ publicKey: serverKey.publicKeyPem });
    const result = v.verify(
      { method: "POST", path: "/api/v1/licenses/validate", host: "127.0.0.1:3000" },
      { date: headers.Date, digest: headers.Digest, signature: headers["License-Signature"] },
      body,
      "n1",
    );
    expect(result.ok).toBe(true);
  });

  it("accepts the server's offline license files", () => {
    const payload = { license: { product: "p" }, machine: { fingerprint: "fp" }, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    const result = verifyOfflineFile(serverKey.publicKeyPem, createOfflineCertificate(serverKey, payload), "fp");
    expect(result.ok).toBe(true);
  });
});

describe("offline license files", () => {
  const payload = {
    license: { id: "lic_1", product: "demo-app", entitlements: [] },
    machine: { id: "m_1", fingerprint: "fp" },
    issuedAt: "2026-03-01T00:00:00.000Z",
    expiresAt: "2026-03-08T00:00:00.000Z",
  };

  it("accepts a file signed by the pinned key for this machine, however it was re-wrapped", () => {
    const file = offlineFile(keys, payload);
    const result = verifyOfflineFile(keys.publicKeyPem, file, "fp");
    expect(result).toMatchObject({ ok: true, expiresAt: Date.parse(payload.expiresAt), issuedAt: Date.parse(payload.issuedAt) });
    const rewrapped = `\r\n  ${file.replace(/\n/g, "\r\n").replace(/(.{30})/g, "$1\r\n")}  `;
    expect(verifyOfflineFile(keys.publicKeyPem, rewrapped, "fp").ok).toBe(true);
  });

  it("rejects a file with an edited payload", () => {
    const file = offlineFile(keys, payload);
    const b64 = file.split("\n").slice(1, -2).join("");
    const envelope = JSON.parse(Buffer.from(b64, "base64").toString()) as { enc: string; sig: string; alg: string };
    const edited = { ...payload, expiresAt: "2036-03-08T00:00:00.000Z" };
    envelope.enc = Buffer.from(JSON.stringify(edited)).toString("base64url");
    const forged = `-----BEGIN LICENSE FILE-----\n${Buffer.from(JSON.stringify(envelope)).toString("base64")}\n-----END LICENSE FILE-----\n`;
    expect(verifyOfflineFile(keys.publicKeyPem, forged, "fp")).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
  });

  it("rejects a file signed by another key, one for another machine, and garbage", () => {
    expect(verifyOfflineFile(keys.publicKeyPem, offlineFile(other, payload), "fp")).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
    expect(verifyOfflineFile(keys.publicKeyPem, offlineFile(keys, payload), "another-machine")).toMatchObject({ ok: false, reason: expect.stringMatching(/another machine/) });
    expect(verifyOfflineFile(keys.publicKeyPem, "hello", "fp").ok).toBe(false);
  });
});
