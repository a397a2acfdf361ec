import { parseEmailAddress } from "../http/input";

/** Admins: users with the ADMIN role, or whose email is listed in ADMIN_EMAILS (compared in identity form). */
export function isAdmin(user: { email?: string | null; role?: string | null }): boolean {
  if (user.role === "ADMIN") return true;
  const email = user.email ? parseEmailAddress(user.email) : null;
  if (!email) return false;
  return (process.env.ADMIN_EMAILS ?? "")
    .split(",")
    .map((e) => parseEmailAddress(e))
    .includes(email);
}
