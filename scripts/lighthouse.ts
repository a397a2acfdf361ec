// `npm run lighthouse`: Lighthouse (desktop and mobile presets, default throttling) on `/`,
// `/pricing` and `/account` of the production build. Starts the portal exactly as the e2e tests do
// (e2e/global-setup.ts: `npm start`'s own script, a throw-away database with the demo data, a mail
// catcher), signs the demo customer in through the real magic link, and prints every score, the
// audits below full marks and the machine's load (performance depends on it; the other categories
// do not, and e2e/lighthouse.spec.ts asserts them).
//
//   npm run lighthouse [-- --port 3341] [--report-dir DIR] [--preset desktop|mobile] [--page /pricing] [--runs 3]
//
// Each page is audited --runs times (default 3) and the median is reported: one run's Total
// Blocking Time swings by hundreds of milliseconds with what else the CPU is doing. Next to the
// scores it prints what moves less with the load: the JavaScript downloaded (files, KiB over the
// wire / uncompressed) and the number of main-thread tasks over 50 ms.
// --report-dir writes each run's HTML report there; the port defaults to a free one.
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import globalSetup from "../e2e/global-setup";
import { PRESETS, auditPage, cookieHeader, freePort, launchForLighthouse, type PageResult, type PerformanceFacts, type Preset } from "../e2e/lighthouse";
import { signIn } from "../e2e/mail";
import { DEMO_CUSTOMER_EMAIL } from "../prisma/seed";

const PAGES = ["/", "/pricing", "/account"];
const SIGNED_IN = new Set(["/account"]);

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "report-dir": { type: "string" },
    preset: { type: "string", multiple: true },
    page: { type: "string", multiple: true },
    runs: { type: "string", default: "3" },
  },
});

function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(", ");
}

const score = (n: number | null | undefined) => String(n ?? "–").padStart(3);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/** One line of metrics and work: milliseconds, then the scripts and long tasks behind them. */
function factsLine(f: PerformanceFacts): string {
  return (
    `FCP ${f.fcp.toFixed(0)} LCP ${f.lcp.toFixed(0)} TBT ${f.tbt.toFixed(0)} SI ${f.speedIndex.toFixed(0)} CLS ${f.cls.toFixed(3)} ms; ` +
    `JS ${f.scriptFiles} files ${kib(f.scriptTransferBytes)} / ${kib(f.scriptBytes)} KiB, document ${kib(f.documentTransferBytes)} KiB, ` +
    `${f.stylesheetFiles} stylesheet requests, ${f.longTasks} long tasks (${f.longTaskMs.toFixed(0)} ms); CPU benchmark index ${f.benchmarkIndex.toFixed(0)}`
  );
}

/** The middle value (the lower middle of an even count); NaN for none. */
function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

function printRun(result: PageResult, run: number, runs: number) {
  const perf = result.facts ? `  ${factsLine(result.facts)}` : "";
  console.log(`  run ${run}/${runs}: performance ${score(result.scores.performance)}${perf}   (load average ${load()})`);
}

/** The summary of a page's runs: median scores and metrics, and the median run's failing audits. */
function print(results: [PageResult, ...PageResult[]], loadBefore: string) {
  const result = [...results].sort((a, b) => (a.scores.performance ?? 0) - (b.scores.performance ?? 0))[Math.floor((results.length - 1) / 2)] ?? results[0];
  const s = result.scores;
  const med = (category: keyof PageResult["scores"]) => {
    const m = median(results.map((r) => r.scores[category] ?? NaN));
    return Number.isNaN(m) ? null : m;
  };
  console.log(
    `${result.preset.padEnd(7)} ${result.url.padEnd(32)} performance ${score(med("performance"))}  accessibility ${score(med("accessibility"))}  ` +
      `best-practices ${score(med("best-practices"))}  seo ${score(med("seo"))}   (median of ${results.length}; load average before ${loadBefore}, after ${load()})`,
  );
  const facts = results.map((r) => r.facts).filter((f): f is PerformanceFacts => Boolean(f));
  if (facts[0]) {
    const keys = Object.keys(facts[0]) as (keyof PerformanceFacts)[];
    console.log(`    median: ${factsLine(Object.fromEntries(keys.map((k) => [k, median(facts.map((f) => f[k]))])) as PerformanceFacts)}`);
  }
  if (s.performance !== undefined) console.log(`    audits below full marks in the median run (performance ${score(s.performance)}):`);
  if (result.finalUrl !== result.url) console.log(`    redirected to ${result.finalUrl}: that page was audited instead`);
  if (result.runtimeError) console.log(`    runtime error: ${result.runtimeError}`);
  for (const warning of result.warnings) console.log(`    warning: ${warning.split("\n")[0]}`);
  for (const audit of result.failed) {
    console.log(`    [${audit.category}] ${audit.id} (${audit.score}): ${audit.title}${audit.value ? ` — ${audit.value}` : ""}`);
    for (const item of audit.items) console.log(`        ${item}`);
  }
}

async function main() {
  const presets = (values.preset ?? PRESETS) as Preset[];
  const pages = values.page ?? PAGES;
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, not ${values.runs}`);
  for (const p of presets) if (!PRESETS.includes(p)) throw new Error(`--preset must be desktop or mobile, not ${p}`);
  process.env.E2E_PORT = values.port ?? String(await freePort());
  const base = `http://localhost:${process.env.E2E_PORT}`;
  console.log(`starting the production portal on ${base} (builds first when the sources changed)…`);
  const teardown = await globalSetup();
  const { browser, port } = await launchForLighthouse();
  try {
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    await signIn(page, DEMO_CUSTOMER_EMAIL);
    const cookie = cookieHeader(await context.cookies(base));
    await context.close();

    console.log(`Lighthouse ${presets.join(" and ")}, default throttling, ${runs} runs per page; load average before: ${load()}`);
    for (const preset of presets) {
      for (const pathname of pages) {
        const loadBefore = load();
        const results: PageResult[] = [];
        for (let run = 1; run <= runs; run++) {
          const result = await auditPage(base + pathname, {
            port,
            preset,
            cookie: SIGNED_IN.has(pathname) ? cookie : undefined,
            html: Boolean(values["report-dir"]),
          });
          results.push(result);
          if (runs > 1) printRun(result, run, runs);
          if (values["report-dir"] && result.html) {
            await mkdir(values["report-dir"], { recursive: true });
            const name = `${preset}-${pathname.replace(/\W+/g, "-").replace(/^-|-$/g, "") || "home"}${runs > 1 ? `-${run}` : ""}.html`;
            await writeFile(path.join(values["report-dir"], name), result.html);
          }
        }
        const [first, ...rest] = results;
        if (first) print([first, ...rest], loadBefore);
      }
    }
  } finally {
    await browser.close();
    await teardown();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
