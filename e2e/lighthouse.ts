// Lighthouse against the running portal, shared by `npm run lighthouse` (scripts/lighthouse.ts,
// which prints every score) and e2e/lighthouse.spec.ts (which asserts the two categories that
// do not depend on the machine's speed). Lighthouse drives a Chromium that Playwright launches
// with a DevTools port; a signed-in page gets the session cookie as a request header.
import { createServer } from "node:net";
import { chromium, type Browser } from "@playwright/test";
import lighthouse, { desktopConfig, type Flags } from "lighthouse";

export type Preset = "desktop" | "mobile";
export const PRESETS: Preset[] = ["desktop", "mobile"];
export const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
export type Category = (typeof CATEGORIES)[number];

/** One failing audit of a category: its id, title and what Lighthouse found (selectors, URLs, messages). */
export type FailedAudit = { category: Category; id: string; title: string; score: number | null; value: string | null; items: string[] };

/**
 * What performance's score is made of, and the work behind it: the metrics in milliseconds (CLS
 * unitless) as Lighthouse simulated them, the JavaScript the page downloaded (files, bytes over the
 * wire and uncompressed) and the main-thread tasks over 50 ms after the CPU slowdown (how many,
 * and their total length). Bytes and task counts depend far less on the machine's load than TBT.
 */
export type PerformanceFacts = {
  fcp: number;
  lcp: number;
  tbt: number;
  speedIndex: number;
  cls: number;
  scriptFiles: number;
  scriptTransferBytes: number;
  scriptBytes: number;
  documentTransferBytes: number;
  stylesheetFiles: number;
  longTasks: number;
  longTaskMs: number;
  /**
   * Lighthouse's measure of this machine's CPU speed (lhr.environment.benchmarkIndex; higher is faster).
   * Its mobile preset slows the CPU 4× assuming a desktop of roughly 1000–2000 here (Lighthouse's
   * docs/throttling.md), so a slower machine turns the same page's work into more blocking time.
   */
  benchmarkIndex: number;
};

/** A page's scores (0–100, `null` when Lighthouse could not score it) and the audits below full marks. */
export type PageResult = {
  url: string;
  /** Where the page ended up: a signed-out /account would be the sign-in page. */
  finalUrl: string;
  preset: Preset;
  scores: Partial<Record<Category, number | null>>;
  failed: FailedAudit[];
  runtimeError: string | null;
  warnings: string[];
  /** Present when the performance category was run. */
  facts?: PerformanceFacts;
  html?: string;
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A TCP port nothing listens on now (the kernel's pick). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts headless Chromium (CHROMIUM_PATH, default Debian's /usr/bin/chromium) with a DevTools
 * port for Lighthouse. Close the returned browser when done.
 */
export async function launchForLighthouse(): Promise<{ browser: Browser; port: number }> {
  const port = await freePort();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As in playwright.config.ts: Debian's Chromium as root, no network but the loopback.
    args: [
      `--remote-debugging-port=${port}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  return { browser, port };
}

/** Turns an audit's details table into short lines a person can act on (a selector, a URL, a message). */
function detailLines(details: unknown): string[] {
  const items = (details as { items?: unknown[] } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return items.slice(0, 8).map((item) => {
    const i = item as Record<string, unknown>;
    const node = i.node as { selector?: string; snippet?: string; explanation?: string } | undefined;
    if (node) return [node.selector, node.explanation?.split("\n").slice(0, 2).join(" ")].filter(Boolean).join(" — ");
    const text = i.url ?? i.source ?? i.description ?? i.label ?? i.text;
    if (typeof text === "string") return text;
    if (text && typeof text === "object" && "url" in text) return String((text as { url: unknown }).url);
    return JSON.stringify(i).slice(0, 200);
  });
}

/**
 * Runs Lighthouse once on `url` with the desktop preset or the default (mobile) one, with
 * Lighthouse's default throttling. `cookie` is sent with every request (a signed-in page);
 * `categories` limits the run (the spec skips performance, which it does not assert).
 * @throws when Lighthouse gives no result at all (Chromium unreachable)
 */
export async function auditPage(
  url: string,
  options: { port: number; preset: Preset; cookie?: string; categories?: readonly Category[]; html?: boolean },
): Promise<PageResult> {
  const categories = options.categories ?? CATEGORIES;
  const flags: Flags = {
    port: options.port,
    logLevel: "error",
    output: options.html ? ["json", "html"] : "json",
    onlyCategories: [...categories],
    extraHeaders: options.cookie ? { Cookie: options.cookie } : undefined,
  };
  const result = await lighthouse(url, flags, options.preset === "desktop" ? desktopConfig : undefined);
  if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
  const { lhr } = result;
  const scores: PageResult["scores"] = {};
  const failed: FailedAudit[] = [];
  for (const category of categories) {
    const cat = lhr.categories[category];
    if (!cat) continue;
    scores[category] = cat.score === null ? null : Math.round(cat.score * 100);
    for (const ref of cat.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (!audit || audit.score === null || audit.score >= 1) continue;
      if (audit.scoreDisplayMode === "notApplicable" || audit.scoreDisplayMode === "manual") continue;
      // Weight 0 audits do not move the score, but performance's insights (unused JavaScript,
      // render-blocking requests, document latency) say where its metrics' time went.
      const savings = Object.values(audit.metricSavings ?? {}).some((ms) => (ms ?? 0) > 0);
      if (ref.weight === 0 && !(category === "performance" && savings)) continue;
      failed.push({ category, id: audit.id, title: audit.title, score: audit.score, value: audit.displayValue ?? null, items: detailLines(audit.details) });
    }
  }
  const html = Array.isArray(result.report) ? result.report[1] : undefined;
  const facts = categories.includes("performance") ? { ...performanceFacts(lhr.audits), benchmarkIndex: lhr.environment?.benchmarkIndex ?? NaN } : undefined;
  return { url, finalUrl: lhr.finalDisplayedUrl, preset: options.preset, scores, failed, runtimeError: lhr.runtimeError?.message ?? null, warnings: lhr.runWarnings, facts, html };
}

type Audits = Record<string, { numericValue?: number; details?: unknown }>;
type NetworkRequest = { resourceType?: string; transferSize?: number; resourceSize?: number };

/** The metrics, the page's downloads by type and its long tasks, read from a Lighthouse result's audits. */
function performanceFacts(audits: Audits): Omit<PerformanceFacts, "benchmarkIndex"> {
  const metric = (id: string) => audits[id]?.numericValue ?? NaN;
  const requests = ((audits["network-requests"]?.details as { items?: NetworkRequest[] } | undefined)?.items ?? []);
  const scripts = requests.filter((r) => r.resourceType === "Script");
  const tasks = ((audits["long-tasks"]?.details as { items?: { duration: number }[] } | undefined)?.items ?? []);
  const sum = (rows: NetworkRequest[], key: "transferSize" | "resourceSize") => rows.reduce((n, r) => n + (r[key] ?? 0), 0);
  return {
    fcp: metric("first-contentful-paint"),
    lcp: metric("largest-contentful-paint"),
    tbt: metric("total-blocking-time"),
    speedIndex: metric("speed-index"),
    cls: metric("cumulative-layout-shift"),
    scriptFiles: scripts.length,
    scriptTransferBytes: sum(scripts, "transferSize"),
    scriptBytes: sum(scripts, "resourceSize"),
    documentTransferBytes: sum(requests.filter((r) => r.resourceType === "Document").slice(0, 1), "transferSize"),
    stylesheetFiles: requests.filter((r) => r.resourceType === "Stylesheet").length,
    longTasks: tasks.length,
    longTaskMs: tasks.reduce((n, t) => n + t.duration, 0),
  };
}

/** `name=value; …` of the cookies a Playwright context holds for `origin`, for auditPage's `cookie`. */
export function cookieHeader(cookies: { name: string; value: string }[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}
