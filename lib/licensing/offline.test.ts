import { describe, expect, it } from "vitest";
import { createOfflineCertificate, verifyOfflineCertificate } from "./offline";
import { generateSigningKeyPem, signingKeyFromPem } from "./signing";

const key = signingKeyFromPem(generateSigningKeyPem());
const now = new Date("2030-01-01T00:00:00Z");
const payload = {
  license: { id: "lic_1", product: "zapp", plan: "zapp-pro", entitlements: ["export", "sync"] },
  machine: { fingerprint: "f".repeat(64) },
  issuedAt: "2030-01-01T00:00:00.000Z",
  expiresAt: "2030-01-08T00:00:00.000Z",
};
const certificate = createOfflineCertificate(key, payload);

function envelopeOf(cert: string): { enc: string; sig: string; alg: string } {
  const base64 = cert.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
}

/** Armors an envelope the way another tool might: unwrapped by default, or wrapped at `width`. */
function armor(envelope: object, width = Infinity): string {
  const base64 = Buffer.from(JSON.stringify(envelope)).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += width) lines.push(base64.slice(i, i + width));
  return `-----BEGIN LICENSE FILE-----\n${lines.join("\n")}\n-----END LICENSE FILE-----\n`;
}

describe("createOfflineCertificate", () => {
  it("armors base64 of {enc, sig, alg} in lines of at most 64 characters", () => {
    const lines = certificate.split("\n");
    expect(lines[0]).toBe("-----BEGIN LICENSE FILE-----");
    expect(lines.at(-2)).toBe("-----END LICENSE FILE-----");
    expect(lines.at(-1)).toBe("");
    const body = lines.slice(1, -2);
    expect(body.length).toBeGreaterThan(1);
    for (const line of body) expect(line).toMatch(/^[A-Za-z0-9+/=]{1,64}$/);
    expect(body.slice(0, -1).every((line) => line.length === 64)).toBe(true);

    const envelope = envelopeOf(certificate);
    expect(Object.keys(envelope)).toEqual(["enc", "sig", "alg"]);
    expect(envelope.alg).toBe("base64+ed25519");
    expect(JSON.parse(Buffer.from(envelope.enc, "base64url").toString("utf8"))).toEqual(payload);
  });
});

describe("verifyOfflineCertificate", () => {
  it("round-trips with the public key PEM or KeyObject", () => {
    expect(verifyOfflineCertificate(key.publicKeyPem, certificate, now)).toEqual({ ok: true, payload });
    expect(verifyOfflineCertificate(key.publicKey, certificate, now).ok).toBe(true);
  });

  it("tolerates CRLF, re-wrapping, a single unwrapped line and surrounding white space", () => {
    const crlf = certificate.replaceAll("\n", "\r\n");
    const single = armor(envelopeOf(certificate));
    const rewrapped = armor(envelopeOf(certificate), 40);
    for (const variant of [crlf, single, rewrapped, `\n  ${certificate}  \n\n`]) {
      expect(verifyOfflineCertificate(key.publicKeyPem, variant, now).ok).toBe(true);
    }
  });

  it("rejects a tampered payload", () => {
    const envelope = envelopeOf(certificate);
    const forged = Buffer.from(JSON.stringify({ ...payload, expiresAt: "2099-01-01T00:00:00.000Z" })).toString("base64url");
    expect(verifyOfflineCertificate(key.publicKeyPem, armor({ ...envelope, enc: forged }), now)).toEqual({
      ok: false,
      reason: "bad signature",
    });
  });

  it("rejects another key's signature", () => {
    const other = signingKeyFromPem(generateSigningKeyPem());
    expect(verifyOfflineCertificate(other.publicKeyPem, certificate, now).ok).toBe(false);
    expect(verifyOfflineCertificate(key.publicKeyPem, createOfflineCertificate(other, payload), now).ok).toBe(false);
  });

  it("rejects an unknown alg", () => {
    const result = verifyOfflineCertificate(key.publicKeyPem, armor({ ...envelopeOf(certificate), alg: "none" }), now);
    expect(result.ok).toBe(false);
  });

  it("rejects an expired file, at and after expiresAt", () => {
    expect(verifyOfflineCertificate(key.publicKeyPem, certificate, new Date(payload.expiresAt)).ok).toBe(false);
    const after = new Date(Date.parse(payload.expiresAt) + 1);
    expect(verifyOfflineCertificate(key.publicKeyPem, certificate, after)).toEqual({ ok: false, reason: "license file expired" });
  });

  it("rejects a signed payload without an expiresAt", () => {
    const { license, machine, issuedAt } = payload;
    const withoutExpiry = createOfflineCertificate(key, { license, machine, issuedAt });
    expect(verifyOfflineCertificate(key.publicKeyPem, withoutExpiry, now)).toEqual({ ok: false, reason: "malformed payload" });
  });

  it.each([
    ["no armor", certificate.replace(/-----[A-Z ]+-----/g, "")],
    ["garbage body", "-----BEGIN LICENSE FILE-----\n!!!!\n-----END LICENSE FILE-----"],
    ["empty", ""],
  ])("rejects %s", (_name, text) => {
    expect(verifyOfflineCertificate(key.publicKeyPem, text, now).ok).toBe(false);
  });
});
