// A public deployment must not start half-configured. On a laptop `npm start`
// fills every gap (generated secrets, a local Stripe emulator, a local mail
// catcher); on a server those stand-ins fail silently: each instance generates
// its own secrets (instances cannot read each other's license keys or verify
// each other's signatures), customers are sent to a checkout on the server's
// own 127.0.0.1, keys and sign-in links go to a mail catcher nobody reads.
//
// "Public" means APP_URL is https: local development runs on http://localhost.
// ALLOW_LOCAL_SERVICES=1 lets a staging server run with the stand-ins anyway.

/** One missing piece: the variables to set and what happens without them. */
export type DeploymentGap = { variables: string[]; consequence: string };

/** Thrown by `assertDeployable` (and by secret generation on a public deployment); the message is meant for the operator. */
export class DeploymentConfigError extends Error {
  constructor(
    message: string,
    readonly gaps: DeploymentGap[],
  ) {
    super(message);
    this.name = "DeploymentConfigError";
  }
}

type Env = Record<string, string | undefined>;

const set = (env: Env, name: string) => Boolean(env[name]?.trim());

/** True when APP_URL is an https URL: a deployment reachable by customers. */
export function isPublicDeployment(env: Env = process.env): boolean {
  try {
    return new URL(env.APP_URL ?? "").protocol === "https:";
  } catch {
    return false;
  }
}

/** ALLOW_LOCAL_SERVICES=1 (or `true`, `yes`): a staging server may run with the local stand-ins. */
export function localServicesAllowed(env: Env = process.env): boolean {
  return ["1", "true", "yes"].includes(env.ALLOW_LOCAL_SERVICES?.trim().toLowerCase() ?? "");
}

/** What a deployment lacks that `npm start` would otherwise stand in for (empty when complete). */
export function deploymentGaps(env: Env = process.env): DeploymentGap[] {
  const gaps: DeploymentGap[] = [];
  const missing = (names: string[]) => names.filter((n) => !set(env, n));
  const secrets = missing(["AUTH_SECRET", "LICENSE_SIGNING_KEY", "LICENSE_ENCRYPTION_KEY"]);
  if (secrets.length > 0) {
    gaps.push({
      variables: secrets,
      consequence:
        "would be generated on this server alone, so other instances could not read its license keys or verify its signatures, " +
        "and a lost .data/ directory would lose them (set the same values on every instance; " +
        "AUTH_SECRET and LICENSE_ENCRYPTION_KEY: `openssl rand -base64 32`, LICENSE_SIGNING_KEY: `openssl genpkey -algorithm ed25519`)",
    });
  }
  const stripe = missing(["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]);
  if (stripe.length > 0) {
    gaps.push({
      variables: stripe,
      consequence: set(env, "STRIPE_SECRET_KEY")
        ? "Stripe's webhooks could not be verified, so no payment would ever mint a license"
        : "payments would go to the local Stripe emulator: customers would be sent to a checkout page on this server's 127.0.0.1",
    });
  }
  if (!set(env, "SMTP_URL")) {
    gaps.push({
      variables: ["SMTP_URL"],
      consequence: "license keys and sign-in links would go to a local mail catcher instead of customers' inboxes",
    });
  }
  return gaps;
}

/** The operator-facing explanation of `gaps` for the deployment at `appUrl`. */
export function describeGaps(appUrl: string, gaps: DeploymentGap[]): string {
  const names = gaps.flatMap((g) => g.variables);
  return [
    `APP_URL is ${appUrl}, a public deployment, but it is not fully configured. Set ${names.join(", ")}:`,
    ...gaps.map((g) => `  - without ${g.variables.join(" and ")}, ${g.consequence};`),
    "For a staging server that may use the local stand-ins, set ALLOW_LOCAL_SERVICES=1.",
  ].join("\n");
}

/**
 * Refuses a public deployment (APP_URL https) that lacks secrets, Stripe or
 * SMTP, unless ALLOW_LOCAL_SERVICES=1. Returns the gaps it let through (with
 * the override, or none on a local start) for the caller to warn about.
 * @throws DeploymentConfigError naming every variable to set.
 */
export function assertDeployable(env: Env = process.env): DeploymentGap[] {
  if (!isPublicDeployment(env)) return [];
  const gaps = deploymentGaps(env);
  if (gaps.length === 0 || localServicesAllowed(env)) return gaps;
  throw new DeploymentConfigError(describeGaps(env.APP_URL ?? "", gaps), gaps);
}
