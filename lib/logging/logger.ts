// The process's one logger: pino, JSON lines on stdout (one object per line,
// for a log collector), or pino-pretty's human-readable lines when stdout is a
// terminal or LOG_FORMAT=pretty. Every line written while a request is being
// served carries that request's id (see request-context.ts). Secrets are
// censored by field name and scrubbed from text (redact.ts).
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { currentRequestId } from "./request-context";
import { REDACTED, REDACTED_PATHS, scrubError, scrubSecrets, scrubValue } from "./redact";

export type { Logger } from "pino";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** LOG_LEVEL (default `info`); an unknown value falls back to `info` rather than failing the start. */
function levelFromEnv(): string {
  const raw = process.env.LOG_LEVEL?.trim().toLowerCase();
  return raw && (LEVELS as readonly string[]).includes(raw) ? raw : "info";
}

/** LOG_FORMAT=json|pretty; unset: pretty on a terminal, JSON otherwise. */
function prettyFromEnv(): boolean {
  const format = process.env.LOG_FORMAT?.trim().toLowerCase();
  if (format === "pretty") return true;
  if (format === "json") return false;
  return Boolean(process.stdout.isTTY);
}

// Errors with the message and stack scrubbed: a driver error can quote the
// statement's parameters, a fetch error the URL.
function serializeError(error: unknown): unknown {
  return error instanceof Error ? scrubError(error) : scrubValue(error);
}

/**
 * A new logger writing to `destination` (default: stdout, pretty or JSON as
 * configured). Tests pass their own destination to read the lines back.
 */
export function createLogger(options: { destination?: DestinationStream; level?: string; pretty?: boolean } = {}): Logger {
  const usePretty = options.pretty ?? (options.destination === undefined && prettyFromEnv());
  const destination =
    options.destination ??
    (usePretty
      ? pretty({ colorize: Boolean(process.stdout.isTTY), translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", sync: true })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level ?? levelFromEnv(),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Free text can hold a secret anywhere in it; fields are censored by name below.
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
      serializers: { err: serializeError, error: serializeError },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      hooks: {
        // The message string (and printf-style arguments) are not part of the
        // object `formatters.log` sees.
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) {
            if (typeof args[i] === "string") args[i] = scrubSecrets(args[i] as string);
          }
          method.apply(this, args as Parameters<typeof method>);
        },
      },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
    },
    destination,
  );
}

// Kept on globalThis: the custom server and Next's bundle of this module live
// in one process and must write through one logger (one stdout stream).
const KEY = Symbol.for("license-portal.logger");
const holder = globalThis as unknown as { [KEY]?: Logger };

/** The process-wide logger. */
export function logger(): Logger {
  return (holder[KEY] ??= createLogger());
}

/** A child logger whose lines all carry `component` (e.g. `stripe-webhook`, `rate-limit`). */
export function componentLogger(component: string): Logger {
  return logger().child({ component });
}
