// Stand-ins for the outside services a fresh clone has no account for: a
// local mail catcher when SMTP_URL is unset. Each one is started only when its
// real counterpart is not configured, and configured exactly as the real one
// would be (environment variables), so the app has no test-only code paths.
import { startMailCatcher } from "../email/catcher";

export type LocalServices = { stop: () => Promise<void> };

export async function startLocalServices(log: (line: string) => void): Promise<LocalServices> {
  const stops: (() => Promise<void>)[] = [];
  if (!process.env.SMTP_URL) {
    const catcher = await startMailCatcher();
    process.env.SMTP_URL = catcher.smtpUrl;
    stops.push(() => catcher.stop());
    log(`SMTP_URL is not set: emails go to a local mail catcher; read them at ${catcher.webUrl}`);
  }
  return { stop: async () => void (await Promise.allSettled(stops.map((s) => s()))) };
}
