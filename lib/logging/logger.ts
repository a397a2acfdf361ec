// The process's one logger: pino, JSON lines on stdout (one object per line,
// for a log collector), or pino-pretty's human-readable lines when stdout is a
// terminal or LOG_FORMAT=pretty. Every line written while a request is being
// served carries that request's id (see request-context.ts). Secrets are
// censored by field name and scrubbed from text (redact.ts) in everything a
// line is made of: the logged object, a child logger's bindings, the message
// and its printf-style arguments.
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { currentRequestId } from "./request-context";
import { scrubError, scrubSecrets, scrubValue } from "./redact";
import { currentTime } from "../time/clock";

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

/**
 * Lines handed over during one event-loop turn, written to `sink` with one
 * write(2) when the turn's I/O callbacks are done (setImmediate) rather than
 * one each: under load a turn finishes many requests, each with its access
 * line, and the system call was a third of what a line cost. Still written
 * synchronously and in order, never later than the turn's end; a fatal line
 * (pino calls flushSync after it) and whatever is pending when the process
 * exits are written at once. What a SIGKILL loses is the current turn's lines.
 */
export class TurnBatchedDestination implements DestinationStream {
  private pending = "";
  private scheduled = false;

  constructor(private readonly sink: { write(text: string): unknown }) {
    process.once("exit", () => this.flushSync());
  }

  write(line: string): void {
    this.pending += line;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.atTurnEnd);
    }
  }

  /** Writes what is pending now. */
  flushSync(): void {
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.sink.write(text);
  }

  private readonly atTurnEnd = () => {
    this.scheduled = false;
    this.flushSync();
  };
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
      : new TurnBatchedDestination(pino.destination({ dest: 1, sync: true })));
  const log = pino(
    {
      level: options.level ?? levelFromEnv(),
      base: { pid: process.pid },
      // pino.stdTimeFunctions.isoTime's output, read from the hot path's clock (lib/time/clock.ts).
      timestamp: () => `,"time":"${currentTime().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        // Fields censored by name, free text (which can hold a secret anywhere) scrubbed.
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        // The message string and printf-style arguments (`%s`, `%j`, `%o`) are
        // not part of the object `formatters.log` sees.
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) {
            const arg: unknown = args[i];
            if (typeof arg === "string") args[i] = scrubSecrets(arg);
            else if (i > 0 && typeof arg === "object" && arg !== null) args[i] = scrubValue(arg) as object;
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
  // A child's bindings are written into each of its lines as they are (pino
  // applies formatters.bindings to the root's `base` only): scrub them once,
  // when the child is made. Children inherit this `child` from the root.
  const pinoChild = log.child;
  log.child = function (this: Logger, bindings, childOptions) {
    return pinoChild.call(this, scrubValue(bindings) as typeof bindings, childOptions);
  } as typeof pinoChild;
  return log;
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
