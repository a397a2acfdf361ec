import Stripe from "stripe";

/**
 * The API version this portal speaks, pinned to the installed SDK's own default so the SDK's types,
 * the objects it parses and the webhook events (which Stripe renders in the account's or endpoint's
 * version) agree. Typed as the SDK's LatestApiVersion: upgrading `stripe` fails type-checking here
 * until the pin is reviewed.
 */
export const STRIPE_API_VERSION: Stripe.LatestApiVersion = "2026-10-28.endive";

type StripeConfig = NonNullable<ConstructorParameters<typeof Stripe>[1]>;

// Cached on globalThis so Next.js dev module reloads do not build a new client per request.
const cache = globalThis as typeof globalThis & {
  __stripeClient?: { signature: string; client: Stripe };
};

function required(name: string, hint: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; ${hint}`);
  return value;
}

/**
 * Where the SDK sends requests. Real Stripe and the local emulator take the same code path: only
 * STRIPE_API_HOST (set by `npm start` when it runs the emulator) changes the address.
 */
function configFromEnv(): StripeConfig {
  const config: StripeConfig = { apiVersion: STRIPE_API_VERSION };
  const host = process.env.STRIPE_API_HOST;
  if (host) {
    config.host = host;
    const port = process.env.STRIPE_API_PORT;
    if (port) config.port = port;
    const protocol = process.env.STRIPE_API_PROTOCOL || "http";
    if (protocol !== "http" && protocol !== "https") {
      throw new Error(`STRIPE_API_PROTOCOL must be "http" or "https", not "${protocol}"`);
    }
    config.protocol = protocol;
  }
  return config;
}

/** The process's one Stripe SDK instance, rebuilt only when its environment changes. */
export function stripe(): Stripe {
  const key = required(
    "STRIPE_SECRET_KEY",
    "set it to your Stripe secret key (npm start sets a test key for its local Stripe emulator)",
  );
  const config = configFromEnv();
  const signature = JSON.stringify([key, config]);
  if (cache.__stripeClient?.signature !== signature) {
    cache.__stripeClient = { signature, client: new Stripe(key, config) };
  }
  return cache.__stripeClient.client;
}

/** The signing secret of the webhook endpoint, used to verify every incoming event. */
export function webhookSecret(): string {
  return required(
    "STRIPE_WEBHOOK_SECRET",
    "set it to the endpoint's signing secret (whsec_...); npm start sets it for its local Stripe emulator",
  );
}

/** True when requests go to the local Stripe emulator instead of api.stripe.com. */
export function usingStripeEmulator(): boolean {
  return Boolean(process.env.STRIPE_API_HOST);
}
