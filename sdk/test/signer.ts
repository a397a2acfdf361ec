// A stand-in for the server's signing, written with node:crypto alone (API.md "Response signatures"
// and "Offline license file"), so the SDK's checks can be tested against answers crafted at will.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { LicenseInfo, MachineInfo, ValidationBody, ValidationCode } from "../src/types.js";

export type TestKeys = { privateKey: KeyObject; publicKeyPem: string; keyId: string };

export function testKeys(): TestKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const keyId = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
  return { privateKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), keyId };
}

export type Req = { method: string; path: string; host: string };
export type Signed = { status: number; headers: { date: string; digest: string; signature: string }; body: string };

export function signAnswer(keys: TestKeys, req: Req, body: string | object, opts: { date?: Date; status?: number; keyId?: string } = {}): Signed {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const date = (opts.date ?? new Date()).toUTCString();
  const digest = `sha-256=${createHash("sha256").update(text).digest("base64")}`;
  const base = [`(request-target): ${req.method.toLowerCase()} ${req.path}`, `host: ${req.host}`, `date: ${date}`, `digest: ${digest}`].join("\n");
  const signature = sign(null, Buffer.from(base), keys.privateKey).toString("base64");
  return {
    status: opts.status ?? 200,
    headers: { date, digest, signature: `keyid="${opts.keyId ?? keys.keyId}", algorithm="ed25519", signature="${signature}"` },
    body: text,
  };
}

export function offlineFile(keys: TestKeys, payload: object): string {
  const enc = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const sig = sign(null, Buffer.from(`license/${enc}`, "ascii"), keys.privateKey).toString("base64url");
  const body = Buffer.from(JSON.stringify({ enc, sig, alg: "base64+ed25519" })).toString("base64");
  return `-----BEGIN LICENSE FILE-----\n${body.replace(/.{64}(?=.)/g, "$&\n")}\n-----END LICENSE FILE-----\n`;
}

export function license(overrides: Partial<LicenseInfo> = {}): LicenseInfo {
  return {
    id: "lic_1",
    product: "demo-app",
    plan: "demo-pro",
    status: "ACTIVE",
    expiresAt: null,
    maxMachines: 3,
    activeMachines: 1,
    floating: false,
    entitlements: ["core", "export"],
    offlineGraceDays: 7,
    ...overrides,
  };
}

export function machine(fingerprint: string, overrides: Partial<MachineInfo> = {}): MachineInfo {
  return {
    id: "m_1",
    fingerprint,
    name: "test",
    activatedAt: "2026-01-01T00:00:00.000Z",
    lastSeenAt: "2026-01-01T00:00:00.000Z",
    heartbeatDeadline: null,
    ...overrides,
  };
}

const DETAILS: Partial<Record<ValidationCode, string>> = { VALID: "The license is valid.", SUSPENDED: "The license is suspended." };

export function verdict(
  code: ValidationCode,
  opts: { nonce: string | null; ts: Date; fingerprint: string; license?: Partial<LicenseInfo>; machine?: Partial<MachineInfo> | null },
): ValidationBody {
  const valid = code === "VALID";
  return {
    valid,
    code,
    detail: DETAILS[code] ?? code,
    license: license({ status: code === "SUSPENDED" ? "SUSPENDED" : "ACTIVE", ...opts.license }),
    machine: opts.machine === null ? null : machine(opts.fingerprint, opts.machine),
    meta: { ts: opts.ts.toISOString(), nonce: opts.nonce },
  };
}

/**
 * A fetch that answers like the portal, signing with `keys`. `answer` gets the endpoint and the parsed
 * body and returns what to send; its result is signed unless it is already a Signed or a raw Response.
 */
export function fakePortal(
  keys: TestKeys,
  answer: (endpoint: string, body: Record<string, unknown>, req: Req) => { status?: number; json: unknown; date?: Date } | Signed | Response,
): typeof fetch & { calls: { endpoint: string; body: Record<string, unknown> }[] } {
  const calls: { endpoint: string; body: Record<string, unknown> }[] = [];
  const f = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const body = JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown>;
    const endpoint = url.pathname.split("/").pop() ?? "";
    calls.push({ endpoint, body });
    const req = { method: init?.method ?? "GET", path: url.pathname, host: url.host };
    const result = answer(endpoint, body, req);
    if (result instanceof Response) return result;
    const signed = "headers" in result ? result : signAnswer(keys, req, result.json as object, { status: result.status, date: result.date });
    return new Response(signed.body, {
      status: signed.status,
      headers: { "content-type": "application/json", date: signed.headers.date, digest: signed.headers.digest, "license-signature": signed.headers.signature },
    });
  };
  return Object.assign(f as typeof fetch, { calls });
}
