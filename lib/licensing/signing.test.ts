import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  bodyDigest,
  generateSigningKeyPem,
  signResponse,
  signatureBase,
  signingKeyFromPem,
  verifySignedResponse,
} from "./signing";

const pem = generateSigningKeyPem();
const key = signingKeyFromPem(pem);
const now = new Date("2030-01-02T03:04:05Z");
const req = { method: "POST", path: "/api/v1/licenses/validate", host: "licenses.example.com" };
const body = Buffer.from(JSON.stringify({ valid: true, code: "VALID" }));

function signed(overrides: { body?: Buffer; at?: Date } = {}) {
  const headers = signResponse(key, req, overrides.body ?? body, overrides.at ?? now);
  return { date: headers.Date, digest: headers.Digest, signature: headers["License-Signature"] };
}

describe("signingKeyFromPem", () => {
  it("derives a 16-hex keyId and an SPKI public key PEM", () => {
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(signingKeyFromPem(pem).keyId).toBe(key.keyId);
    expect(signingKeyFromPem(generateSigningKeyPem()).keyId).not.toBe(key.keyId);
  });

  it("signs with libsodium where its addon loads (linux-x64 with glibc, as in CI)", () => {
    expect(key.engine).toBe("sodium");
  });
});

describe("signatureBase and bodyDigest", () => {
  it("builds the four lines of the contract, without the query", () => {
    const digest = bodyDigest("{}");
    expect(digest).toBe("sha-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=");
    expect(signatureBase({ ...req, method: "Post", path: "/api/validate?x=1", date: "D", digest })).toBe(
      "(request-target): post /api/validate\nhost: licenses.example.com\ndate: D\ndigest: " + digest,
    );
  });
});

describe("signResponse", () => {
  it("emits the headers in the contract's formats, with a signature over the base", () => {
    const headers = signResponse(key, req, body, now);
    expect(headers.Date).toBe("Wed, 02 Jan 2030 03:04:05 GMT");
    expect(headers.Digest).toMatch(/^sha-256=[A-Za-z0-9+/]{43}=$/);
    const match = /^keyid="([0-9a-f]{16})", algorithm="ed25519", signature="([A-Za-z0-9+/]{86}==)"$/.exec(
      headers["License-Signature"],
    );
    expect(match?.[1]).toBe(key.keyId);
    const base = signatureBase({ ...req, date: headers.Date, digest: headers.Digest });
    expect(verify(null, Buffer.from(base), key.publicKey, Buffer.from(match?.[2] ?? "", "base64"))).toBe(true);
  });
});

describe("verifySignedResponse", () => {
  const publicPem = key.publicKeyPem;

  it("accepts a signed response with only the public key PEM, and a query on the path", () => {
    expect(verifySignedResponse(publicPem, req, signed(), body, { now, keyId: key.keyId })).toEqual({ ok: true });
    expect(verifySignedResponse(publicPem, { ...req, path: `${req.path}?v=2` }, signed(), body, { now })).toEqual({ ok: true });
  });

  it("rejects any changed body byte", () => {
    for (let i = 0; i < body.length; i++) {
      const changed = Buffer.from(body);
      changed[i] = (changed[i] ?? 0) ^ 1;
      expect(verifySignedResponse(publicPem, req, signed(), changed, { now }).ok, `byte ${i}`).toBe(false);
    }
  });

  it("rejects a body and digest swapped together, since the signature covers the digest", () => {
    const other = Buffer.from('{"valid":false}');
    const headers = { ...signed(), digest: bodyDigest(other) };
    expect(verifySignedResponse(publicPem, req, headers, other, { now })).toEqual({ ok: false, reason: "bad signature" });
  });

  it("rejects a changed Date header, method, path or host", () => {
    const headers = signed();
    const laterDate = new Date(now.getTime() + 1000).toUTCString();
    expect(verifySignedResponse(publicPem, req, { ...headers, date: laterDate }, body, { now }).ok).toBe(false);
    expect(verifySignedResponse(publicPem, { ...req, method: "GET" }, headers, body, { now }).ok).toBe(false);
    expect(verifySignedResponse(publicPem, { ...req, path: "/api/validate" }, headers, body, { now }).ok).toBe(false);
    expect(verifySignedResponse(publicPem, { ...req, host: "evil.example" }, headers, body, { now }).ok).toBe(false);
  });

  it("rejects another key, and another keyid when one is expected", () => {
    const other = signingKeyFromPem(generateSigningKeyPem());
    expect(verifySignedResponse(other.publicKey, req, signed(), body, { now })).toEqual({ ok: false, reason: "bad signature" });
    expect(verifySignedResponse(key.publicKey, req, signed(), body, { now, keyId: other.keyId }).ok).toBe(false);
  });

  it("rejects a date more than the allowed skew away, either way", () => {
    const sixMinutes = 6 * 60 * 1000;
    expect(verifySignedResponse(publicPem, req, signed({ at: new Date(now.getTime() - sixMinutes) }), body, { now }).ok).toBe(false);
    expect(verifySignedResponse(publicPem, req, signed({ at: new Date(now.getTime() + sixMinutes) }), body, { now }).ok).toBe(false);
    expect(verifySignedResponse(publicPem, req, signed({ at: new Date(now.getTime() - 4 * 60 * 1000) }), body, { now }).ok).toBe(true);
    expect(verifySignedResponse(publicPem, req, signed({ at: new Date(now.getTime() - 60_000) }), body, { now, maxSkewMs: 1000 }).ok).toBe(false);
  });

  it("rejects missing or malformed headers", () => {
    const headers = signed();
    expect(verifySignedResponse(publicPem, req, { ...headers, signature: null }, body, { now }).ok).toBe(false);
    expect(verifySignedResponse(publicPem, req, { ...headers, digest: undefined }, body, { now }).ok).toBe(false);
    const wrongAlg = headers.signature.replace("ed25519", "rsa-sha256");
    expect(verifySignedResponse(publicPem, req, { ...headers, signature: wrongAlg }, body, { now }).ok).toBe(false);
    const truncated = headers.signature.replace(/signature="[^"]{10}/, 'signature="');
    expect(verifySignedResponse(publicPem, req, { ...headers, signature: truncated }, body, { now }).ok).toBe(false);
  });

  it("takes the public key as a KeyObject too", () => {
    expect(verifySignedResponse(createPublicKey(publicPem), req, signed(), body, { now }).ok).toBe(true);
  });
});
