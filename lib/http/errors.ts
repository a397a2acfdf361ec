// The API's one error type and the one place that turns any thrown value into an
// HTTP answer. Handlers throw; they never build error JSON themselves.
import { ZodError, type ZodType } from "zod";
import { logger } from "../logging/logger";

export type ErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFLICT"
  | "GONE"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "INTERNAL";

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: unknown[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { issues?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = STATUS[code];
    this.issues = opts.issues;
    this.headers = opts.headers ?? {};
  }
}

export type ErrorBody = { error: { code: ErrorCode; message: string; issues?: unknown[] } };
export type ErrorResponse = { status: number; headers: Record<string, string>; json: ErrorBody };

// Socket errors, PostgreSQL's connection-class SQLSTATEs (08xxx, 57P01-03,
// 53300), and the Prisma codes its driver adapter reports for the same failures:
// P1001 can't reach, P1002 timed out reaching, P1008 socket timeout, P1017 server
// closed the connection, P2024 timed out waiting for a pooled connection, P2028
// a transaction could not start or finish in its time (every connection busy).
// Too busy counts as unavailable: 40P01 deadlock and 40001 serialization failure
// fail one transaction so that the other can go on; a retry succeeds.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN",
  "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300", "40P01", "40001",
  "P1001", "P1002", "P1008", "P1017", "P2024", "P2028",
  "DATABASE_UNREACHABLE", // lib/db/circuit-breaker.ts: failing fast while the database is unreachable
]);
// `cause.kind` of a Prisma DriverAdapterError (meta.driverAdapterError).
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionWriteConflict"]);
// node-postgres and pg-pool raise these as plain Errors without a code.
const UNAVAILABLE_MESSAGES = [
  "timeout exceeded when trying to connect",
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "Query read timeout",
  "The database is unreachable (circuit open)",
];

/**
 * True when the error, or anything it wraps (`cause` chains, AggregateError
 * `errors`, Prisma's `meta.driverAdapterError`), says the database could not be
 * reached or was too busy to serve it: the request may succeed later, so it is
 * a 503, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<object>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.pop();
    if (typeof e !== "object" || e === null || seen.has(e)) continue;
    seen.add(e);
    const r = e as Record<string, unknown>;
    const codes = [r.code, r.originalCode];
    if (codes.some((c) => typeof c === "string" && UNAVAILABLE_CODES.has(c))) return true;
    if (typeof r.kind === "string" && UNAVAILABLE_KINDS.has(r.kind)) return true;
    if (typeof r.message === "string" && UNAVAILABLE_MESSAGES.some((m) => (r.message as string).includes(m))) {
      return true;
    }
    pending.push(r.cause);
    if (Array.isArray(r.errors)) pending.push(...r.errors);
    if (typeof r.meta === "object" && r.meta !== null) {
      pending.push((r.meta as Record<string, unknown>).driverAdapterError);
    }
  }
  return false;
}

function body(code: ErrorCode, message: string, issues?: unknown[]): ErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } };
}

export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof ApiError) {
    return { status: error.status, headers: error.headers, json: body(error.code, error.message, error.issues) };
  }
  if (error instanceof ZodError) {
    // Path and message only: echoing the input back could return huge or secret values.
    const issues = error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
    return { status: 400, headers: {}, json: body("BAD_REQUEST", "Invalid request body", issues) };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      headers: { "Retry-After": "5" },
      json: body("UNAVAILABLE", "The database is unavailable; retry shortly"),
    };
  }
  // The message and stack may hold internals (SQL, file paths): log them, answer generically.
  logger().error({ err: error }, "unhandled error in request");
  return { status: 500, headers: {}, json: body("INTERNAL", "Internal error") };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes a JSON object body (strict UTF-8) and validates it with `schema`. */
export function parseJsonBody<T>(raw: Buffer, schema: ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(raw));
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError("BAD_REQUEST", "Body must be a JSON object");
  }
  return schema.parse(value);
}
