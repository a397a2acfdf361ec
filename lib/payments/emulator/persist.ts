import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Store } from "./store";

/**
 * The emulator's state on disk, so a restarted `npm start` still knows the customers, subscriptions,
 * invoices and charges the portal's database refers to (else "Billing and invoices" would meet
 * `No such customer`). One JSON file, rewritten whole (write to a temporary file, then rename, so a
 * crash never leaves half a file) after every request that may have changed something.
 */

/** The record maps that are saved; `baseUrl` is not (the port changes between starts). */
const MAPS = [
  "prices",
  "customers",
  "checkoutSessions",
  "subscriptions",
  "invoices",
  "paymentIntents",
  "charges",
  "disputes",
  "portalSessions",
] as const satisfies readonly (keyof Store)[];

type Saved = { version: 1 } & { [K in (typeof MAPS)[number]]?: [string, unknown][] };

/**
 * Loads `file` into `store` when it exists. A file that is not the emulator's JSON is an error (the
 * caller should not silently start from nothing over a customer's state).
 * @throws Error naming the file when it cannot be parsed.
 */
export function loadStore(store: Store, file: string): void {
  if (!existsSync(file)) return;
  let saved: Saved;
  try {
    saved = JSON.parse(readFileSync(file, "utf8")) as Saved;
  } catch (error) {
    throw new Error(`The Stripe emulator's state file ${file} is not valid JSON (${(error as Error).message}); move it away to start afresh.`);
  }
  if (saved.version !== 1) throw new Error(`The Stripe emulator's state file ${file} has an unknown version.`);
  for (const name of MAPS) {
    const target = store[name] as Map<string, unknown>;
    for (const [id, record] of saved[name] ?? []) target.set(id, record);
  }
}

/** Writes `store` to `file` atomically, creating its folder. */
export function saveStore(store: Store, file: string): void {
  const saved: Saved = { version: 1 };
  for (const name of MAPS) saved[name] = [...(store[name] as Map<string, unknown>).entries()];
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(saved), { mode: 0o600 });
  renameSync(temporary, file);
}
