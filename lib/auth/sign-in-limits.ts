// Sign-in emails go to whatever address is typed into a form. Without a limit
// anyone could make the portal mail a victim without end, or spend the vendor's
// email reputation. Budgets per address and per client IP, in fixed windows,
// counted where the license API's limits are (memory, or Redis with REDIS_URL).
import { createHash } from "node:crypto";
import { rateLimiter, sharedRateLimitStore, type RateLimiter } from "../http/rate-limit";

const WINDOW_MS = 15 * 60_000;
/** Emails to one address per 15 minutes: enough for a lost email and a retry or two. */
export const SIGN_IN_EMAILS_PER_ADDRESS = 5;
/** Emails requested from one client IP per 15 minutes (an office behind one address included). */
export const SIGN_IN_EMAILS_PER_IP = 20;

let limiters: { address: RateLimiter; ip: RateLimiter } | undefined;

/**
 * Counts one sign-in email for `email` requested from `ip`; false when either
 * budget is spent (nothing is sent then). The address is counted by its hash.
 */
export async function allowSignInEmail(email: string, ip: string): Promise<boolean> {
  limiters ??= {
    address: rateLimiter({ limit: SIGN_IN_EMAILS_PER_ADDRESS, windowMs: WINDOW_MS, store: sharedRateLimitStore() }),
    ip: rateLimiter({ limit: SIGN_IN_EMAILS_PER_IP, windowMs: WINDOW_MS, store: sharedRateLimitStore() }),
  };
  const address = createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 32);
  const [byAddress, byIp] = await Promise.all([limiters.address.check(`signin-email:${address}`), limiters.ip.check(`signin-ip:${ip}`)]);
  return byAddress.allowed && byIp.allowed;
}
