// Auth.js's Prisma adapter with every address brought to its identity form
// (lib/http/input.ts) before it reaches the users table, so an OAuth profile
// saying "Kim.Park@Example.com" finds the account "kim.park@example.com" instead
// of failing on the unique index, and lookups are exact equality.
import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Adapter } from "next-auth/adapters";
import { prisma } from "../db/client";
import { vouchedEmailIdentity as identity } from "../http/input";

/** The adapter Auth.js is configured with: PrismaAdapter on our client, addresses normalised. */
export function portalAdapter(): Adapter {
  // The adapter is typed against @prisma/client; ours is the generated client with the same models.
  const base = PrismaAdapter(prisma() as unknown as Parameters<typeof PrismaAdapter>[0]);
  return {
    ...base,
    createUser: (user) => base.createUser!({ ...user, email: identity(user.email) }),
    getUserByEmail: (email) => base.getUserByEmail!(identity(email)),
    updateUser: (user) => base.updateUser!(user.email === undefined ? user : { ...user, email: identity(user.email) }),
  };
}
