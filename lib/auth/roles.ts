/** Admins: users with the ADMIN role, or whose email is listed in ADMIN_EMAILS. */
export function isAdmin(user: { email?: string | null; role?: string | null }): boolean {
  if (user.role === "ADMIN") return true;
  const email = user.email?.toLowerCase();
  if (!email) return false;
  return (process.env.ADMIN_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .includes(email);
}
