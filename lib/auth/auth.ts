// Sign-in with Auth.js v5: email magic links (Nodemailer) with database
// sessions through the Prisma adapter; GitHub and Google when their client ids
// are configured. The config is built per request so SMTP and secrets are
// read from the environment at run time, not at build time.
import { Auth, setEnvDefaults } from "@auth/core";
import NextAuth, { type NextAuthConfig } from "next-auth";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Nodemailer from "next-auth/providers/nodemailer";
import { secret } from "../config/secrets";
import { parseEmailAddress } from "../http/input";
import { componentLogger } from "../logging/logger";
import { portalAdapter } from "./adapter";
import { onPublicOrigin } from "./public-origin";
import { mayRequestSignInEmail, sendSignInEmailRequest } from "./magic-link";
import { InvalidSignInAddress, recordRefusal, refusalIn, refusalRecorded } from "./sign-in-outcome";
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
      // Exactly one address in its identity form, the same everywhere (lib/http/input.ts): a list such as
      // "a@x.test,b@x.test" must neither mail two people nor name an account.
      normalizeIdentifier: (email) => {
        const address = parseEmailAddress(email);
        if (!address) throw recordRefusal(new InvalidSignInAddress());
        return address;
      },
      sendVerificationRequest: sendSignInEmailRequest,
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
      // Asking for a magic link: the email budgets (sign-in-limits.ts). Refusing here, before Auth.js stores a
      // token or calls sendVerificationRequest, makes it answer AccessDenied, which the entry points replace.
      async signIn({ user, email }) {
        if (!email?.verificationRequest) return true;
        return user.email ? mayRequestSignInEmail(user.email) : false;
      },
      // What `auth()` and `GET /api/auth/session` return: the user as the UI shows it and the expiry. Never the
      // database session itself: its `sessionToken` is the cookie's secret, which scripts must not read.
      session({ session, user }) {
        const role = (user as { role?: string }).role;
        return { user: { id: user.id, email: user.email, name: user.name, isAdmin: isAdmin({ email: user.email, role }) }, expires: session.expires };
      },
    },
    logger: {
      // A refused sign-in (over the email budget, not one address) is answered with a message; it is not an error.
      error(error) {
        if (refusalIn(error) || refusalRecorded()) return;
        componentLogger("auth").error({ err: error, cause: error.cause }, `${error.name}: ${error.message}`);
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());

/**
 * GET and POST /api/auth/*: Auth.js itself, as next-auth's `handlers` run it (the same config and
 * environment defaults), but given the request on APP_URL's own origin as a plain Request
 * (public-origin.ts): next-auth's handlers pass a NextRequest, whose URL says "localhost" for
 * 127.0.0.1, so links, redirects and cookies went to another origin.
 */
export async function authRoute(request: Request): Promise<Response> {
  const cfg = config();
  cfg.basePath ??= "/api/auth";
  setEnvDefaults(process.env, cfg, true);
  return Auth(await onPublicOrigin(request), cfg);
}
