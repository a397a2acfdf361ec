// What must never reach a log line: license keys, bearer and API tokens,
// cookies, Stripe and webhook secrets, passwords in connection URLs. Two
// layers, because a secret can arrive either as a named field (pino's path
// redaction below) or inside free text such as an error message (the value
// scrubbers).

/** The replacement for a secret, in fields and inside text alike. */
export const REDACTED = "[redacted]";

/**
 * Field paths pino censors wherever a log object carries them (pino's
 * `redact.paths` syntax: one `*` matches one level).
 */
export const REDACTED_PATHS = [
  "key",
  "licenseKey",
  "license_key",
  "token",
  "password",
  "secret",
  "authorization",
  "cookie",
  "*.key",
  "*.licenseKey",
  "*.license_key",
  "*.token",
  "*.password",
  "*.secret",
  "*.authorization",
  "*.Authorization",
  "*.cookie",
  "*.Cookie",
  '*["set-cookie"]',
  "*.headers.authorization",
  "*.headers.cookie",
  '*.headers["set-cookie"]',
  '*.headers["x-api-key"]',
];

// License keys (`PREFIX-XXXXX-XXXXX-XXXXX-XXXXX`, lib/licensing/keys.ts, in any
// case), anything after `Bearer `, the portal's console tokens (`lpat_`), Stripe
// keys and webhook secrets (`sk_`/`rk_`/`pk_`... and `whsec_`), Standard
// Webhooks secrets, the password part of URLs such as DATABASE_URL or SMTP_URL, and the tokens of
// download and gift links.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{5}){4}\b/g, REDACTED],
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  [/\blpat_[A-Za-z0-9_-]+/g, REDACTED],
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9_]+/g, REDACTED],
  [/\bwhsec_[A-Za-z0-9+/=_-]+/g, REDACTED],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // Capabilities carried in a path, which the access log writes: a signed download link (enough to
  // fetch the file for 10 minutes) and a gift's acceptance link.
  [/(\/api\/v1\/downloads\/|\/account\/gifts\/)[^\s/?#"'<>]+/g, `$1${REDACTED}`],
];

/** `text` with every secret-looking substring replaced by `[redacted]`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of `value` with every string scrubbed, objects and arrays followed
 * `depth` levels deep (log objects are shallow; the bound keeps a cyclic or
 * huge object from costing more than the log line is worth).
 */
export function scrubValue(value: unknown, depth = 4): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (depth <= 0 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth - 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (value instanceof Error) return scrubError(value, depth);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth - 1);
  return out;
}

/**
 * An error as a plain object (`type`, `message`, `stack`, `code` and the
 * cause chain) with secrets scrubbed: Error's own properties are not
 * enumerable, so a generic copy would lose them.
 */
export function scrubError(error: Error, depth = 4): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? "Error",
    message: scrubSecrets(error.message),
    stack: error.stack === undefined ? undefined : scrubSecrets(error.stack),
  };
  const extra = error as Error & { code?: unknown; cause?: unknown };
  if (extra.code !== undefined) out.code = scrubValue(extra.code, 1);
  if (extra.cause !== undefined && depth > 0) out.cause = scrubValue(extra.cause, depth - 1);
  return out;
}
