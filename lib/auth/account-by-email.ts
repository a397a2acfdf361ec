// The customer account of an email, for everything that creates customers on
// their behalf: a paid checkout (webhook) and a license issued by the vendor
// (admin API and console).
import { lockKeys } from "../db/advisory-locks";
import type { Prisma, User } from "../generated/prisma/client";

/**
 * The account of `email`, matched case-insensitively (an account stored with
 * other casing is reused, not duplicated), created lower-cased when new. Two
 * transactions creating the same new email at once are serialised by a lock on
 * the email: the second waits, then finds the first's account.
 */
export async function accountByEmail(tx: Prisma.TransactionClient, email: string): Promise<User> {
  const normalized = email.trim().toLowerCase();
  await lockKeys(tx, [`user-email:${normalized}`]);
  const existing = await tx.user.findFirst({ where: { email: { equals: normalized, mode: "insensitive" } } });
  return existing ?? tx.user.create({ data: { email: normalized } });
}
