// Sign-in emails go to whatever address is typed into a form. Without a limit
// anyone could make the portal mail a victim without end, or spend the vendor's
// email reputation. Three fixed-window budgets, counted where the license API's
// limits are (memory, or Redis with REDIS_URL):
// - per address AND client IP: a person's own retries, from their own network;
// - per address from anywhere, higher and over a shorter window: caps what many
//   clients together can send one inbox, while a victim whose address someone
//   else is spraying waits minutes, not a quarter of an hour;
// - per client IP: one client spraying many addresses.
import { createHash } from "node:crypto";
import { rateLimiter, sharedRateLimitStore, type RateLimiter } from "../http/rate-limit";

/** Emails to one address asked for from one client IP per 15 minutes: a lost email and a retry or two. */
export const SIGN_IN_EMAILS_PER_ADDRESS_AND_IP = 5;
export const ADDRESS_AND_IP_WINDOW_MS = 15 * 60_000;
/** Emails to one address from all clients together per 10 minutes. */
export const SIGN_IN_EMAILS_PER_ADDRESS = 10;
export const ADDRESS_WINDOW_MS = 10 * 60_000;
/** Emails requested from one client IP per 15 minutes (an office behind one address included). */
export const SIGN_IN_EMAILS_PER_IP = 20;
export const IP_WINDOW_MS = 15 * 60_000;

/** Over budget: nothing is sent; the person may ask again after `retryAfterSeconds`. */
export class SignInEmailLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Too many sign-in emails for this address or client; nothing was sent");
    this.name = "SignInEmailLimited";
  }
}

let limiters: { addressAndIp: RateLimiter; address: RateLimiter; ip: RateLimiter } | undefined;

const hashed = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 32);

/**
 * Counts one sign-in email for `email` (already in identity form, see parseEmailAddress) requested from `ip`.
 * Resolves when it may be sent.
 * @throws SignInEmailLimited when a budget is spent, with the seconds until the latest refusing window resets.
 */
export async function countSignInEmail(email: string, ip: string): Promise<void> {
  const store = sharedRateLimitStore();
  limiters ??= {
    addressAndIp: rateLimiter({ limit: SIGN_IN_EMAILS_PER_ADDRESS_AND_IP, windowMs: ADDRESS_AND_IP_WINDOW_MS, store }),
    address: rateLimiter({ limit: SIGN_IN_EMAILS_PER_ADDRESS, windowMs: ADDRESS_WINDOW_MS, store }),
    ip: rateLimiter({ limit: SIGN_IN_EMAILS_PER_IP, windowMs: IP_WINDOW_MS, store }),
  };
  // The address is counted by its hash: no address sits in Redis or memory in clear.
  const address = hashed(email);
  const results = await Promise.all([
    limiters.addressAndIp.check(`signin-email-ip:${address}:${ip}`),
    limiters.address.check(`signin-email:${address}`),
    limiters.ip.check(`signin-ip:${ip}`),
  ]);
  const refused = results.filter((r) => !r.allowed);
  if (refused.length > 0) throw new SignInEmailLimited(Math.max(...refused.map((r) => r.resetSeconds)));
}

/** "in 3 minutes", "in 40 seconds": when to try again, for people. */
export function retryAfterText(seconds: number): string {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}
