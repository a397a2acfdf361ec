// LicenseClient: the license API as a vendor's application uses it.
//
// Every answer is verified against the pinned public key before it is believed (verify.ts). Signed
// verdicts are saved (cache.ts) and carry the application through outages for the plan's offline grace
// (grace.ts). An answer that fails verification is reported as UNTRUSTED_RESPONSE (or CLOCK_SKEW) and
// is not replaced by the cache: tampering gains an attacker nothing over cutting the cable.
import { randomBytes, type KeyObject } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { clearTimeout, setTimeout } from "node:timers";
import {
  cacheFileName,
  defaultCacheDir,
  FileCache,
  isValidationBody,
  MemoryCache,
  toCachedAnswer,
  verifyStoredAnswer,
  verifyStoredOfflineFile,
  type CacheContent,
  type CacheStore,
  type StoredAnswer,
} from "./cache.js";
import { machineFingerprint, type FingerprintSources } from "./fingerprint.js";
import { advanceHighWater, answerGraceEnd, decideOffline, DEFAULT_CLOCK_TOLERANCE_MS, type CachedAnswer, type CachedOfflineFile } from "./grace.js";
import type {
  ClientCode,
  DeactivateResult,
  LicenseCheck,
  OfflineCheckout,
  PublicKeyInfo,
  ReleaseArtifact,
  ReleaseUpdate,
  UpdateArch,
  UpdateCheck,
  UpdateCheckOptions,
  UpdatePlatform,
  ValidationBody,
} from "./types.js";
import { isRecord, pinKey, ResponseVerifier, verifyOfflineFile, type PinnedKey, type SignatureHeaders, type VerifyFailure } from "./verify.js";

export type LicenseClientOptions = {
  /** The portal's base URL, e.g. "https://licenses.example.com". */
  server: string;
  /** The portal's Ed25519 public key (PEM), shipped with the application: pin it, do not fetch it. */
  publicKey: string | KeyObject;
  /** The customer's license key. */
  licenseKey: string;
  /**
   * The application's id: salts the fingerprint and names the cache directory. Keep it constant across
   * releases. Default: `product`. One of the two is required.
   */
  appId?: string;
  /** The product slug: the server refuses a license of another product (PRODUCT_MISMATCH). */
  product?: string;
  /** Replaces the computed machine fingerprint (e.g. containers: derive it from a mounted id). */
  fingerprint?: string;
  /** Replaces the OS sources the fingerprint reads (tests). */
  fingerprintSources?: Partial<FingerprintSources>;
  /** Where the last answer is saved; false keeps it in memory only (no grace across restarts). */
  cacheDir?: string | false;
  /** Sent on activation as the machine's name (default: the host name). */
  machineName?: string;
  /** Per request (default 10 s); on timeout the client answers from its cache. */
  timeoutMs?: number;
  /** Allowed distance between the server's Date and this clock (default 5 minutes). */
  maxSkewMs?: number;
  /** Allowed backwards clock step when offline before it counts as a rollback (default 5 minutes). */
  clockToleranceMs?: number;
  /** The clock (tests). */
  now?: () => Date;
  /** The fetch implementation (tests, proxies). */
  fetch?: typeof fetch;
};

export type HeartbeatLoopOptions = {
  /** Fixed period; default: a third of the time to the machine's heartbeat deadline (1 s – 10 min). */
  intervalMs?: number;
  /** Called after every beat with its result. */
  onCheck?: (check: LicenseCheck) => void;
  /** Keep the process alive for the loop's timer (default false: the loop never holds the app open). */
  keepAlive?: boolean;
};

type CallOutcome =
  | { kind: "unreachable"; reason: string }
  | { kind: "untrusted"; failure: VerifyFailure; reason: string; status: number }
  | { kind: "answer"; status: number; json: unknown; stored: StoredAnswer };

const API = "/api/v1/licenses";
const MAX_BEAT_MS = 10 * 60 * 1000;
const MIN_BEAT_MS = 1000;

export class LicenseClient {
  readonly server: string;
  readonly appId: string;
  readonly product: string | undefined;
  private readonly licenseKey: string;
  private readonly pinned: PinnedKey;
  private readonly verifier: ResponseVerifier;
  private readonly store: CacheStore;
  private readonly options: LicenseClientOptions;
  private readonly clock: () => Date;
  private readonly doFetch: typeof fetch;
  private computedFingerprint: string | undefined;
  private last: LicenseCheck | null = null;
  private beat: { timer: NodeJS.Timeout | null; stopped: boolean } | null = null;

  constructor(options: LicenseClientOptions) {
    if (!options.server) throw new Error("LicenseClient: `server` is required");
    if (!options.licenseKey?.trim()) throw new Error("LicenseClient: `licenseKey` is required");
    const appId = options.appId ?? options.product;
    if (!appId) throw new Error("LicenseClient: `appId` or `product` is required (it salts the fingerprint)");
    this.options = options;
    this.server = options.server.replace(/\/+$/, "");
    new URL(this.server); // throws on a malformed URL, here rather than at the first request
    this.appId = appId;
    this.product = options.product;
    this.licenseKey = options.licenseKey.trim();
    this.pinned = pinKey(options.publicKey);
    this.clock = options.now ?? (() => new Date());
    this.verifier = new ResponseVerifier({ publicKey: this.pinned, maxSkewMs: options.maxSkewMs, now: () => this.clock().getTime() });
    this.doFetch = options.fetch ?? fetch;
    this.store =
      options.cacheDir === false
        ? new MemoryCache()
        : new FileCache(path.join(options.cacheDir ?? defaultCacheDir(appId), cacheFileName(this.server, this.licenseKey)));
  }

  /** The SHA-256 fingerprint this client sends (computed once). */
  get fingerprint(): string {
    this.computedFingerprint ??= this.options.fingerprint ?? machineFingerprint({ salt: this.appId, sources: this.options.fingerprintSources });
    return this.computedFingerprint;
  }

  /** The pinned key's keyid (as `GET /api/v1/public-key` names it). */
  get keyId(): string {
    return this.pinned.keyId;
  }

  /** Where the saved answer lives (null: memory). */
  get cacheLocation(): string | null {
    return this.store.location;
  }

  /** The result of the last check (validate, activate, heartbeat, checkOffline), or null. */
  get lastCheck(): LicenseCheck | null {
    return this.last;
  }

  /** True when the last check was valid and its license grants `name`. */
  hasEntitlement(name: string): boolean {
    return this.last?.valid === true && (this.last.license?.entitlements ?? []).includes(name);
  }

  /** The entitlements of the last valid check (empty when not valid). */
  get entitlements(): string[] {
    return this.last?.valid ? [...(this.last.license?.entitlements ?? [])] : [];
  }

  /** Is this machine licensed? Asks the server; answers from the cache when it cannot be reached. */
  validate(): Promise<LicenseCheck> {
    const body: Record<string, unknown> = { key: this.licenseKey, fingerprint: this.fingerprint };
    if (this.product !== undefined) body.product = this.product;
    return this.check("validate", body);
  }

  /** Takes a seat for this machine (idempotent: an active machine is just confirmed). */
  activate(details: { name?: string } = {}): Promise<LicenseCheck> {
    return this.check("activate", {
      key: this.licenseKey,
      fingerprint: this.fingerprint,
      name: (details.name ?? this.options.machineName ?? os.hostname()).slice(0, 256),
      platform: `${process.platform}-${process.arch}`,
      hostname: os.hostname().slice(0, 256),
    });
  }

  /** Keeps a floating seat (moves the heartbeat deadline); validates like `validate` otherwise. */
  heartbeat(): Promise<LicenseCheck> {
    return this.check("heartbeat", { key: this.licenseKey, fingerprint: this.fingerprint });
  }

  /** Beats until `stopHeartbeat()` (or the returned function) is called. Replaces a running loop. */
  startHeartbeat(options: HeartbeatLoopOptions = {}): () => void {
    this.stopHeartbeat();
    const loop: { timer: NodeJS.Timeout | null; stopped: boolean } = { timer: null, stopped: false };
    this.beat = loop;
    const schedule = (ms: number) => {
      if (loop.stopped) return;
      loop.timer = setTimeout(() => void tick(), ms);
      if (!options.keepAlive) loop.timer.unref();
    };
    const tick = async () => {
      let check: LicenseCheck | null = null;
      try {
        check = await this.heartbeat();
      } catch {
        // heartbeat() reports trouble as a check; this is only a last resort against a dead loop.
      }
      if (loop.stopped) return;
      // Scheduled before the callback, so a callback that stops the loop (or throws) is honoured.
      schedule(options.intervalMs ?? (check ? this.beatDelay(check) : 30_000));
      if (check) options.onCheck?.(check);
    };
    schedule(0);
    return () => this.stopHeartbeat(loop);
  }

  stopHeartbeat(loop = this.beat): void {
    if (!loop) return;
    loop.stopped = true;
    if (loop.timer) clearTimeout(loop.timer);
    if (this.beat === loop) this.beat = null;
  }

  /** Frees this machine's seat and forgets the saved answer and license file. */
  async deactivate(): Promise<DeactivateResult> {
    const out = await this.call("deactivate", { key: this.licenseKey, fingerprint: this.fingerprint }, null);
    if (out.kind === "unreachable") return { ok: false, code: "UNREACHABLE", message: `The license server cannot be reached: ${out.reason}`, httpStatus: null };
    if (out.kind === "untrusted") return { ok: false, ...untrusted(out), httpStatus: out.status };
    const deactivated = isRecord(out.json) && out.json.deactivated === true;
    if (deactivated || out.status === 404) {
      this.stopHeartbeat();
      this.update((c) => ({ ...c, answer: null, offlineFile: null, highWater: this.clock().getTime() }));
      this.last = null;
    }
    if (deactivated) return { ok: true };
    if (out.status === 404) return { ok: false, code: "NOT_ACTIVE", message: "This machine is not active on this license.", httpStatus: 404 };
    return { ok: false, ...errorOf(out), httpStatus: out.status };
  }

  /**
   * Asks `POST /api/v1/releases/latest` for the newest release this license may download that is newer
   * than `currentVersion` (SemVer), for this platform and architecture (default: this process's) on
   * `channel` (default "stable"; "beta" and "alpha" include the more stable ones). The answer is
   * verified like every other (signature, Date, nonce): a forged "update available" pointing at a
   * hostile file is UNTRUSTED_RESPONSE. `update` is null when the application is current. Download
   * `artifacts[].url` before `expiresAt` (10 minutes) and compare its SHA-256/512 with the answer's.
   * A license that may not download gets `ok: false` with its validation code (e.g. EXPIRED,
   * ENTITLEMENTS_MISSING). Sends this machine's fingerprint unless `withFingerprint: false`, so only
   * activated machines are offered downloads. Never throws.
   */
  async checkForUpdate(options: UpdateCheckOptions): Promise<UpdateCheck> {
    if (!this.product) throw new Error("LicenseClient.checkForUpdate: the client needs `product`");
    const nonce = newNonce();
    const body = {
      key: this.licenseKey,
      product: this.product,
      platform: options.platform ?? currentPlatform(),
      arch: options.arch ?? currentArch(),
      channel: options.channel ?? "stable",
      currentVersion: options.currentVersion,
      ...(options.withFingerprint === false ? {} : { fingerprint: this.fingerprint }),
      nonce,
    };
    const out = await this.call("/api/v1/releases/latest", body, nonce);
    if (out.kind === "unreachable") return { ok: false, code: "UNREACHABLE", message: `The license server cannot be reached: ${out.reason}`, httpStatus: null };
    if (out.kind === "untrusted") return { ok: false, ...untrusted(out), httpStatus: out.status };
    if (isValidationBody(out.json)) return { ok: false, code: out.json.code, message: out.json.detail, httpStatus: out.status };
    const json = out.json;
    if (out.status === 200 && isRecord(json) && "release" in json) {
      const release = parseRelease(json.release);
      if (release !== undefined) return { ok: true, update: release };
    }
    if (out.status === 200) return { ok: false, code: "UNTRUSTED_RESPONSE", message: "The update answer has an unexpected shape.", httpStatus: 200 };
    return { ok: false, ...errorOf(out), httpStatus: out.status };
  }

  /** Fetches a signed offline license file for this machine, verifies it and saves it. */
  async checkoutOffline(): Promise<OfflineCheckout> {
    const nonce = newNonce();
    const out = await this.call("offline", { key: this.licenseKey, fingerprint: this.fingerprint, nonce }, nonce);
    if (out.kind === "unreachable") return { ok: false, code: "UNREACHABLE", message: `The license server cannot be reached: ${out.reason}`, httpStatus: null };
    if (out.kind === "untrusted") return { ok: false, ...untrusted(out), httpStatus: out.status };
    if (isValidationBody(out.json)) {
      this.saveAnswer(out.stored, out.json);
      return { ok: false, code: out.json.code, message: out.json.detail, httpStatus: out.status };
    }
    const json = out.json;
    if (out.status === 200 && isRecord(json) && typeof json.certificate === "string") {
      const file = verifyOfflineFile(this.pinned, json.certificate, this.fingerprint);
      if (!file.ok) return { ok: false, code: "UNTRUSTED_RESPONSE", message: `The license file was rejected: ${file.reason}`, httpStatus: 200 };
      this.update((c) => ({ ...c, offlineFile: json.certificate as string, highWater: this.clock().getTime() }));
      return { ok: true, certificate: json.certificate, expiresAt: new Date(file.expiresAt), license: file.payload.license };
    }
    return { ok: false, ...errorOf(out), httpStatus: out.status };
  }

  /** Installs a license file obtained elsewhere (an air-gapped machine): verified, then saved. */
  installOfflineFile(certificate: string): LicenseCheck {
    const file = verifyStoredOfflineFile(certificate, this.pinned, { fingerprint: this.fingerprint, product: this.product });
    if (!file.ok) {
      return this.remember(failure("UNTRUSTED_RESPONSE", `The license file was rejected: ${file.reason}`, "none"));
    }
    this.update((c) => ({ ...c, offlineFile: certificate.trim() + "\n" }));
    return this.checkOffline("an offline license file was installed");
  }

  /** The verdict from the saved answer and license file alone, without asking the server. */
  checkOffline(reason = "checked without the server"): LicenseCheck {
    const now = this.clock().getTime();
    const content = this.store.read();
    const { answer, offlineFile } = this.loadVerified(content);
    const decision = decideOffline({ answer, offlineFile, now, highWater: content.highWater, toleranceMs: this.options.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS });
    // Remember the highest time seen (not when the clock went backwards: that would erase the evidence).
    if (decision.code !== "CLOCK_ROLLBACK" && now > content.highWater + 60_000) {
      this.safeWrite({ ...content, highWater: advanceHighWater(content.highWater, now) });
    }
    return this.remember({
      valid: decision.licensed,
      code: decision.code,
      message: decision.message,
      source: decision.source,
      license: decision.license,
      machine: decision.machine,
      httpStatus: null,
      serverTime: decision.at === null ? null : new Date(decision.at),
      validUntil: decision.licensed && decision.until !== null ? new Date(decision.until) : null,
      offlineReason: reason,
    });
  }

  // ---- internals ----

  private async check(endpoint: "validate" | "activate" | "heartbeat", body: Record<string, unknown>): Promise<LicenseCheck> {
    const nonce = newNonce();
    const out = await this.call(endpoint, { ...body, nonce }, nonce);
    if (out.kind === "unreachable") return this.checkOffline(out.reason);
    if (out.kind === "untrusted") {
      // Never papered over with the cache: a forged or misdirected answer must be seen.
      const rejected = untrusted(out);
      return this.remember({ ...failure(rejected.code, rejected.message, "server"), httpStatus: out.status });
    }
    if (isValidationBody(out.json)) {
      const answer = this.saveAnswer(out.stored, out.json);
      return this.remember({
        valid: out.json.valid,
        code: out.json.code,
        message: out.json.detail,
        source: "server",
        license: out.json.license,
        machine: out.json.machine,
        httpStatus: out.status,
        serverTime: new Date(answer.at),
        validUntil: out.json.valid ? new Date(answerGraceEnd(answer)) : null,
        offlineReason: null,
      });
    }
    // A signed error: overload and outages fall back to the cache, the rest are reported.
    if (out.status === 429 || out.status >= 500) return this.checkOffline(`the server answered ${out.status}: ${errorOf(out).message}`);
    const error = errorOf(out);
    return this.remember({ ...failure(error.code, error.message, "server"), httpStatus: out.status });
  }

  /** POSTs and verifies; never throws. */
  private async call(endpoint: string, body: Record<string, unknown>, nonce: string | null): Promise<CallOutcome> {
    let url: URL;
    let response: Response;
    let bytes: Buffer;
    try {
      // A bare name is a license endpoint; a path (releases) is taken as it is.
      url = new URL(endpoint.startsWith("/") ? `${this.server}${endpoint}` : `${this.server}${API}/${endpoint}`);
      response = await this.doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      return { kind: "unreachable", reason: describeError(error) };
    }
    const headers: SignatureHeaders = {
      date: response.headers.get("date"),
      digest: response.headers.get("digest"),
      signature: response.headers.get("license-signature"),
    };
    // No signature at all: a load balancer's error page, a captive portal, a dropped route. It carries
    // no authority either way, so it counts as "not reached" (the cache and its grace apply).
    if (!headers.signature) return { kind: "unreachable", reason: `an unsigned answer (HTTP ${response.status}) from ${url.host}` };
    const request = { method: "POST", path: url.pathname, host: url.host };
    const verified = this.verifier.verify(request, headers, bytes, nonce);
    if (!verified.ok) return { kind: "untrusted", failure: verified.failure, reason: verified.reason, status: response.status };
    return {
      kind: "answer",
      status: response.status,
      json: verified.json,
      stored: { ...request, status: response.status, nonce, headers, body: bytes.toString("base64") },
    };
  }

  /** Saves a live, verified verdict unless a newer one is already saved; the clock is now known good. */
  private saveAnswer(stored: StoredAnswer, body: ValidationBody): CachedAnswer {
    const at = Date.parse(body.meta.ts);
    const answer = toCachedAnswer(body, Number.isNaN(at) ? this.clock().getTime() : at);
    this.update((content) => {
      const previous = content.answer ? verifyStoredAnswer(content.answer, this.pinned, { fingerprint: this.fingerprint }) : null;
      const newer = !previous?.ok || previous.value.at <= answer.at;
      // A verified live answer proves this clock within the skew: reset the high-water mark to it,
      // so a clock that once ran ahead does not lock the application out forever.
      return { ...content, answer: newer ? stored : content.answer, highWater: this.clock().getTime() };
    });
    return answer;
  }

  private loadVerified(content: CacheContent): { answer: CachedAnswer | null; offlineFile: CachedOfflineFile | null } {
    const expect = { fingerprint: this.fingerprint, product: this.product };
    const answer = content.answer ? verifyStoredAnswer(content.answer, this.pinned, expect) : null;
    const file = content.offlineFile ? verifyStoredOfflineFile(content.offlineFile, this.pinned, expect) : null;
    return { answer: answer?.ok ? answer.value : null, offlineFile: file?.ok ? file.value : null };
  }

  private update(change: (content: CacheContent) => CacheContent) {
    this.safeWrite(change(this.store.read()));
  }

  /** A read-only disk must not take the application down: it only loses offline grace. */
  private safeWrite(content: CacheContent) {
    try {
      this.store.write(content);
    } catch (error) {
      process.emitWarning(`license cache not saved (${this.store.location}): ${describeError(error)}`);
    }
  }

  private remember(check: LicenseCheck): LicenseCheck {
    this.last = check;
    return check;
  }

  private beatDelay(check: LicenseCheck): number {
    const deadline = check.machine?.heartbeatDeadline ? Date.parse(check.machine.heartbeatDeadline) : NaN;
    const base = check.serverTime?.getTime() ?? this.clock().getTime();
    const period = Number.isNaN(deadline) ? MAX_BEAT_MS : (deadline - base) / 3;
    const delay = Math.min(MAX_BEAT_MS, Math.max(MIN_BEAT_MS, period));
    // Not reached: try again sooner, the seat may be lost at the deadline.
    return check.source === "server" ? delay : Math.min(delay, 30_000);
  }
}

/** The server's public key, for setup: pin the PEM in the application rather than fetching it at run time. */
export async function fetchPublicKey(server: string, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<PublicKeyInfo> {
  const response = await (options.fetch ?? fetch)(`${server.replace(/\/+$/, "")}/api/v1/public-key`, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  if (!response.ok) throw new Error(`GET /api/v1/public-key answered ${response.status}`);
  const json: unknown = await response.json();
  if (!isRecord(json) || typeof json.publicKey !== "string" || typeof json.keyid !== "string") throw new Error("GET /api/v1/public-key: unexpected answer");
  const pinned = pinKey(json.publicKey);
  if (pinned.keyId !== json.keyid) throw new Error(`GET /api/v1/public-key: keyid ${json.keyid} does not match the key (${pinned.keyId})`);
  return { keyid: json.keyid, algorithm: "ed25519", publicKey: json.publicKey };
}

function currentPlatform(): UpdatePlatform {
  return process.platform === "win32" ? "windows" : process.platform === "darwin" ? "darwin" : process.platform === "linux" ? "linux" : "any";
}

function currentArch(): UpdateArch {
  return process.arch === "x64" || process.arch === "arm64" ? process.arch : "any";
}

/** The `release` of an update answer; undefined when it is not one (null: no update). */
function parseRelease(value: unknown): ReleaseUpdate | null | undefined {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.version !== "string" || typeof value.publishedAt !== "string" || !Array.isArray(value.artifacts)) return undefined;
  const artifacts: ReleaseArtifact[] = [];
  for (const a of value.artifacts) {
    if (!isRecord(a) || typeof a.url !== "string" || typeof a.filename !== "string" || typeof a.sha256 !== "string" || typeof a.size !== "number") return undefined;
    artifacts.push({
      filename: a.filename,
      platform: String(a.platform),
      arch: String(a.arch),
      size: a.size,
      sha256: a.sha256,
      sha512: typeof a.sha512 === "string" ? a.sha512 : null,
      signature: typeof a.signature === "string" ? a.signature : null,
      url: a.url,
      expiresAt: new Date(String(a.expiresAt)),
    });
  }
  return {
    version: value.version,
    channel: String(value.channel),
    notes: typeof value.notes === "string" ? value.notes : null,
    publishedAt: new Date(value.publishedAt),
    artifacts,
  };
}

function newNonce(): string {
  return randomBytes(18).toString("base64url");
}

function failure(code: LicenseCheck["code"], message: string, source: LicenseCheck["source"]): LicenseCheck {
  return { valid: false, code, message, source, license: null, machine: null, httpStatus: null, serverTime: null, validUntil: null, offlineReason: null };
}

function untrusted(out: { failure: VerifyFailure; reason: string }): { code: ClientCode; message: string } {
  if (out.failure === "STALE_DATE") return { code: "CLOCK_SKEW", message: `Answer rejected: ${out.reason}. Set this computer's clock.` };
  return { code: "UNTRUSTED_RESPONSE", message: `Answer rejected: ${out.reason}.` };
}

const ERROR_CODES: Record<string, ClientCode> = {
  BAD_REQUEST: "BAD_REQUEST",
  PAYLOAD_TOO_LARGE: "BAD_REQUEST",
  RATE_LIMITED: "RATE_LIMITED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_ACTIVE",
};

function errorOf(out: { status: number; json: unknown }): { code: ClientCode; message: string } {
  const error = isRecord(out.json) && isRecord(out.json.error) ? out.json.error : {};
  const serverCode = typeof error.code === "string" ? error.code : `HTTP_${out.status}`;
  const message = typeof error.message === "string" ? error.message : `The server answered ${out.status}.`;
  return { code: ERROR_CODES[serverCode] ?? "SERVER_ERROR", message: `${serverCode}: ${message}` };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "the request timed out";
  const cause = (error as { cause?: unknown }).cause;
  const code = isRecord(cause) && typeof cause.code === "string" ? cause.code : undefined;
  return code ? `${error.message} (${code})` : error.message;
}
