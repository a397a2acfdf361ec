// Who may call the admin API: the ADMIN_API_TOKEN environment value, or a token
// created in the admin console. Console tokens are stored only as a SHA-256 hash
// (a token is 256 random bits, so a fast unsalted hash is enough: there is
// nothing to brute-force), and shown to the admin once.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Actor } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError } from "../http/errors";
import { sharedRateLimitStore } from "../http/rate-limit";
import type { ApiRequest } from "../http/types";

const TOKEN_PREFIX = "lpat_";
// Far above any real token; keeps a hostile header from making us hash megabytes.
const MAX_TOKEN_LENGTH = 512;

/** The stored form of a console token: SHA-256, hex. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new console token; only `hash` and `hint` are stored, `token` is shown once. */
export function createApiToken(): { token: string; hash: string; hint: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashApiToken(token), hint: token.slice(-4) };
}

function unauthorized(): ApiError {
  return new ApiError("UNAUTHORIZED", "A valid admin API token is required", {
    headers: { "WWW-Authenticate": 'Bearer realm="admin"' },
  });
}

function bearerToken(req: ApiRequest): string | null {
  // Both mounts lower-case header names, but a hand-built request might not.
  const name = Object.keys(req.headers).find((h) => h.toLowerCase() === "authorization");
  const value = name === undefined ? undefined : req.headers[name];
  const match = value === undefined ? null : /^Bearer +(\S+) *$/i.exec(value);
  const token = match?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : null;
}

/**
 * Hashing both sides first gives equal-length buffers, so `timingSafeEqual`
 * neither throws nor leaks the secret's length through an early exit.
 */
function matchesEnvToken(token: string): boolean {
  const expected = process.env.ADMIN_API_TOKEN?.trim();
  if (!expected) return false;
  const a = createHash("sha256").update(token, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** Failed authentications one client IP may make per window before every request from it answers 429. */
export const ADMIN_AUTH_FAILURES_PER_IP = 20;
export const ADMIN_AUTH_FAILURE_WINDOW_MS = 15 * 60_000;

const failureBucket = (ip: string) => `admin-auth-failures:${ip}`;

/**
 * Tokens are 256 random bits, so guessing one is hopeless; the throttle keeps a client that keeps trying from
 * costing us a database lookup per guess and makes the attempt visible (429s). Counted in the shared store
 * (Redis with REDIS_URL), so every instance sees the same count. Checked before the token, so a client past
 * the limit learns nothing, not even from a right guess.
 */
async function refuseWhileThrottled(ip: string): Promise<void> {
  const { count, resetMs } = await sharedRateLimitStore().peek(failureBucket(ip));
  if (count < ADMIN_AUTH_FAILURES_PER_IP) return;
  const seconds = String(Math.max(1, Math.ceil(resetMs / 1000)));
  throw new ApiError("RATE_LIMITED", "Too many failed authentications from this address; try again later", { headers: { "Retry-After": seconds } });
}

async function failed(ip: string): Promise<ApiError> {
  await sharedRateLimitStore().hit(failureBucket(ip), ADMIN_AUTH_FAILURE_WINDOW_MS);
  return unauthorized();
}

/**
 * The caller as an audit-log actor.
 * @throws ApiError 401 for a missing, unknown or revoked token; 429 (with Retry-After) once the client's IP
 * has failed ADMIN_AUTH_FAILURES_PER_IP times within ADMIN_AUTH_FAILURE_WINDOW_MS.
 */
export async function authenticateAdmin(req: ApiRequest): Promise<Actor> {
  await refuseWhileThrottled(req.ip);
  const token = bearerToken(req);
  if (token === null) throw await failed(req.ip);
  if (matchesEnvToken(token)) return { type: "env_token" };

  // The lookup is by hash, through a unique index: the comparison happens inside
  // the database on a value the caller cannot steer byte by byte.
  const row = await prisma().apiToken.findFirst({
    where: { tokenHash: hashApiToken(token), revokedAt: null },
    select: { id: true, name: true },
  });
  if (!row) throw await failed(req.ip);

  // Bookkeeping only: a failure here must neither fail nor slow the request.
  prisma()
    .apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
    .catch(() => {});
  return { type: "admin_token", id: row.id, label: row.name };
}
