// What must never reach a log line: license keys, bearer and API tokens,
// cookies, Stripe and webhook secrets, passwords in connection URLs. Two
// layers, because a secret can arrive either as a named field (censored by
// name) or inside free text such as an error message (scrubbed by pattern);
// both are applied by one walk of the logged value (scrubValue).

/** The replacement for a secret, in fields and inside text alike. */
export const REDACTED = "[redacted]";

// Field names whose values are censored whole, whatever they hold: a log
// object's own fields and their fields one level down (`key`, `body.password`,
// `req.authorization`), and header names inside any `headers` object
// (`req.headers.cookie`). Done in the same walk as the text scrubbing rather
// than by pino's `redact` paths, which cloned and re-serialised every field of
// every line: a third of the access log's cost on the license API.
const CENSORED_FIELDS = new Set([
  "key",
  "licenseKey",
  "license_key",
  "token",
  "password",
  "secret",
  "authorization",
  "Authorization",
  "cookie",
  "Cookie",
  "set-cookie",
]);
/** Censored inside any object named `headers`, at any depth the walk reaches. */
const CENSORED_HEADERS = new Set(["authorization", "Authorization", "cookie", "Cookie", "set-cookie", "x-api-key"]);

/** True when the value of field `name` (at `level`: 0 for a log object's own fields) is censored whole. */
function censored(name: string, level: number, parent: string | undefined): boolean {
  return (level <= 1 && CENSORED_FIELDS.has(name)) || (parent === "headers" && CENSORED_HEADERS.has(name));
}

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

// Matches wherever any of the patterns above matches (their alternation, case
// folded: a superset), so text without a secret costs one scan instead of one
// per pattern; nearly every log line's text is such text.
const ANY_SECRET = new RegExp(SECRET_PATTERNS.map(([pattern]) => `(?:${pattern.source})`).join("|"), "i");

/** `text` with every secret-looking substring replaced by `[redacted]`. */
export function scrubSecrets(text: string): string {
  if (!ANY_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of `value` with every string scrubbed and the fields named above
 * censored (`[redacted]`), objects and arrays followed `depth` levels deep
 * (log objects are shallow; the bound keeps a cyclic or huge object from
 * costing more than the log line is worth). `value` is taken as a log object:
 * its own fields are level 0.
 */
export function scrubValue(value: unknown, depth = 4): unknown {
  return scrub(value, depth, 0, undefined);
}

// `level`: the nesting level of `value`'s own fields; `parent`: the name of the field holding `value`.
function scrub(value: unknown, depth: number, level: number, parent: string | undefined): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (depth <= 0 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth - 1, level + 1, undefined));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (value instanceof Error) return scrubError(value, depth);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[name];
    out[name] = v !== undefined && censored(name, level, parent) ? REDACTED : scrub(v, depth - 1, level + 1, name);
  }
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
