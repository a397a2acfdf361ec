// Retry schedules given as "seconds between attempts, comma-separated" in the
// environment (WEBHOOK_RETRY_SCHEDULE, EMAIL_RETRY_SCHEDULE), read on every use
// so tests can shorten them.

/**
 * The delays (seconds) from the environment variable `name`, or `fallback` when
 * it is unset or empty. Throws on anything but non-negative numbers.
 */
export function retrySchedule(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name]?.trim();
  if (!raw) return [...fallback];
  const delays = raw.split(",").map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isFinite(d) || d < 0)) throw new Error(`${name} must be comma-separated seconds, got "${raw}"`);
  return delays;
}

/**
 * When the attempt after `attemptsDone` finished attempts should run, or null
 * when the schedule is used up (the first attempt is immediate and not part of
 * the schedule: a schedule of n delays allows n + 1 attempts).
 */
export function nextAttemptAt(schedule: readonly number[], attemptsDone: number, now: Date): Date | null {
  const delay = schedule[attemptsDone - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay * 1000);
}
