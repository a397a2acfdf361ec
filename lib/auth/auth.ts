// Sign-in with Auth.js v5: email magic links (Nodemailer) with database
// sessions through the Prisma adapter; GitHub and Google when their client ids
// are configured. The config is built per request so SMTP and secrets are
// read from the environment at run time, not at build time.
import NextAuth, { type NextAuthConfig } from "next-auth";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { secret } from "../config/secrets";
import { portalAdapter } from "./adapter";
import { sendLimitedSignInEmail } from "./magic-link";
import { isAdmin } from "./roles";
import type { SessionUser } from "./session";

declare module "next-auth" {
  interface Session {
    user: SessionUser;
  }
}

function config(): NextAuthConfig {
  const providers: NextAuthConfig["providers"] = [
    Nodemailer({
      // Unused: sendVerificationRequest sends through lib/email (SMTP_URL).
      server: process.env.SMTP_URL || "smtp://localhost:25",
      from: process.env.EMAIL_FROM,
      normalizeIdentifier: (email) => email.trim().toLowerCase(),
      sendVerificationRequest: sendLimitedSignInEmail,
    }),
  ];
  if (process.env.AUTH_GITHUB_ID) providers.push(GitHub);
  if (process.env.AUTH_GOOGLE_ID) providers.push(Google);
  return {
    adapter: portalAdapter(),
    providers,
    secret: secret("AUTH_SECRET"),
    session: { strategy: "database" },
    // Self-hosted behind whatever proxy the vendor runs; APP_URL/AUTH_URL pin the origin when set.
    trustHost: true,
    pages: { signIn: "/signin", verifyRequest: "/signin/check-email", error: "/signin" },
    callbacks: {
      session({ session, user }) {
        const role = (user as { role?: string }).role;
        return { ...session, user: { id: user.id, email: user.email, name: user.name, isAdmin: isAdmin({ email: user.email, role }) } };
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
