// Who may call the admin API: the ADMIN_API_TOKEN environment value, or a token
// created in the admin console. Console tokens are stored only as a SHA-256 hash
// (a token is 256 random bits, so a fast unsalted hash is enough: there is
// nothing to brute-force), and shown to the admin once.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Actor } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError } from "../http/errors";
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

/** The caller as an audit-log actor; throws 401 for a missing, unknown or revoked token. */
export async function authenticateAdmin(req: ApiRequest): Promise<Actor> {
  const token = bearerToken(req);
  if (token === null) throw unauthorized();
  if (matchesEnvToken(token)) return { type: "env_token" };

  // The lookup is by hash, through a unique index: the comparison happens inside
  // the database on a value the caller cannot steer byte by byte.
  const row = await prisma().apiToken.findFirst({
    where: { tokenHash: hashApiToken(token), revokedAt: null },
    select: { id: true, name: true },
  });
  if (!row) throw unauthorized();

  // Bookkeeping only: a failure here must neither fail nor slow the request.
  prisma()
    .apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
    .catch(() => {});
  return { type: "admin_token", id: row.id, label: row.name };
}
