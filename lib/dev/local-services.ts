// Stand-ins for the outside services a fresh clone has no account for: a local
// mail catcher when SMTP_URL is unset, a local Stripe emulator when
// STRIPE_SECRET_KEY is unset. Each is configured exactly as the real service
// would be (environment variables read by lib/email and lib/payments), so the
// app has no code path that exists only for them.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { dataDir } from "../config/secrets";
import { prisma } from "../db/client";
import { startMailCatcher } from "../email/catcher";
import { startStripeEmulator } from "../payments/emulator/server";
import type { PriceConfig } from "../payments/emulator/store";

export type LocalServices = { stop: () => Promise<void> };

/**
 * The emulator's price for a Stripe price id: the plan that names it, as the
 * vendor would have set the price up in Stripe's dashboard. Looked up when a
 * checkout first uses it, so plans added while the portal runs can be bought.
 */
async function priceOfPlan(stripePriceId: string): Promise<PriceConfig | undefined> {
  const p = await prisma().plan.findUnique({ where: { stripePriceId }, include: { product: true } });
  if (!p) return undefined;
  return {
    unitAmount: p.priceCents ?? 0,
    currency: p.currency,
    recurring: p.billingInterval === "month" || p.billingInterval === "year" ? { interval: p.billingInterval } : null,
    nickname: `${p.product.name} ${p.name}`,
  };
}

/** Starts what is missing; call once the app listens on `appPort` (the emulator posts webhooks to it). */
export async function startLocalServices(appPort: number, log: (line: string) => void): Promise<LocalServices> {
  const stops: (() => Promise<void>)[] = [];
  if (!process.env.SMTP_URL) {
    const catcher = await startMailCatcher();
    process.env.SMTP_URL = catcher.smtpUrl;
    stops.push(() => catcher.stop());
    log(`SMTP_URL is not set: emails go to a local mail catcher; read them at ${catcher.webUrl}`);
  }
  if (!process.env.STRIPE_SECRET_KEY) {
    const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET || `whsec_${randomBytes(24).toString("base64url")}`;
    const emulator = await startStripeEmulator({
      webhookUrl: `http://127.0.0.1:${appPort}/api/stripe/webhook`,
      webhookSecret,
      lookupPrice: priceOfPlan,
      // Beside the embedded database: the customers and subscriptions its rows name survive a restart.
      stateFile: path.join(dataDir(), "stripe-emulator.json"),
    });
    Object.assign(process.env, {
      STRIPE_SECRET_KEY: "sk_test_emulator",
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_HOST: emulator.host,
      STRIPE_API_PORT: String(emulator.port),
      STRIPE_API_PROTOCOL: "http",
    });
    stops.push(() => emulator.stop());
    log(`STRIPE_SECRET_KEY is not set: payments go to a local Stripe emulator at ${emulator.url}`);
  }
  return { stop: async () => void (await Promise.allSettled(stops.map((s) => s()))) };
}
