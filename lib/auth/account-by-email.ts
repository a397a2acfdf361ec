// The customer account of an email, for everything that creates customers on
// their behalf: a paid checkout (webhook) and a license issued by the vendor
// (admin API and console), and the account lookup of sign-in.
//
// An address identifies one customer by exact equality of its identity form
// (lib/http/input.ts: trimmed, lower-cased, IDN canonical), never by a pattern:
// Prisma's `mode: "insensitive"` equality is ILIKE, where `_` and `%` are
// wildcards, so `kim_park@…` found `kim.park@…` (issue 11). Every stored address
// is in identity form (migration 20261201110000_email_identity adds the CHECK and
// the unique index on lower(btrim(email)) that make PostgreSQL enforce it).
import { lockKeys } from "../db/advisory-locks";
import type { Prisma, User } from "../generated/prisma/client";
import { ApiError } from "../http/errors";
import { parseEmailAddress } from "../http/input";

type Db = Pick<Prisma.TransactionClient, "user">;

/**
 * The identity form of `email`, or throws ApiError BAD_REQUEST (400) when it is
 * not exactly one address.
 */
export function identityEmail(email: string): string {
  const address = parseEmailAddress(email);
  if (!address) throw new ApiError("BAD_REQUEST", "Must be exactly one email address");
  return address;
}

/** The account whose address is `email` (any casing, surrounding space), or null. Throws 400 for a non-address. */
export async function findAccountByEmail(db: Db, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email: identityEmail(email) } });
}

/**
 * The account of `email`, created when new. Two transactions creating the same
 * new address at once are serialised by a lock on the address: the second waits,
 * then finds the first's account (the unique index would otherwise fail one).
 * Throws ApiError BAD_REQUEST when `email` is not exactly one address.
 */
export async function accountByEmail(tx: Prisma.TransactionClient, email: string): Promise<User> {
  return accountByAddress(tx, identityEmail(email));
}

/**
 * Like {@link accountByEmail} for an address already in identity form (trimmed,
 * lower-case), which the caller vouches for: a Stripe customer's address, kept
 * even when it is one our forms would refuse.
 */
export async function accountByAddress(tx: Prisma.TransactionClient, address: string): Promise<User> {
  await lockKeys(tx, [`user-email:${address}`]);
  const existing = await tx.user.findUnique({ where: { email: address } });
  return existing ?? tx.user.create({ data: { email: address } });
}
