// `npm run lighthouse`: Lighthouse (desktop and mobile presets, default throttling) on `/`,
// `/pricing` and `/account` of the production build. Starts the portal exactly as the e2e tests do
// (e2e/global-setup.ts: `npm start`'s own script, a throw-away database with the demo data, a mail
// catcher), signs the demo customer in through the real magic link, and prints every score, the
// audits below full marks and the machine's load (performance depends on it; the other categories
// do not, and e2e/lighthouse.spec.ts asserts them).
//
//   npm run lighthouse [-- --port 3341] [--report-dir DIR] [--preset desktop|mobile] [--page /pricing]
//
// --report-dir writes each run's HTML report there; the port defaults to a free one.
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import globalSetup from "../e2e/global-setup";
import { PRESETS, auditPage, cookieHeader, freePort, launchForLighthouse, type PageResult, type Preset } from "../e2e/lighthouse";
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
  },
});

function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(", ");
}

function print(result: PageResult) {
  const s = result.scores;
  const score = (n: number | null | undefined) => String(n ?? "–").padStart(3);
  console.log(
    `${result.preset.padEnd(7)} ${result.url.padEnd(32)} performance ${score(s.performance)}  accessibility ${score(s.accessibility)}  ` +
      `best-practices ${score(s["best-practices"])}  seo ${score(s.seo)}   (load average ${load()})`,
  );
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

    console.log(`Lighthouse ${presets.join(" and ")}, default throttling; load average before: ${load()}`);
    for (const preset of presets) {
      for (const pathname of pages) {
        const result = await auditPage(base + pathname, {
          port,
          preset,
          cookie: SIGNED_IN.has(pathname) ? cookie : undefined,
          html: Boolean(values["report-dir"]),
        });
        print(result);
        if (values["report-dir"] && result.html) {
          await mkdir(values["report-dir"], { recursive: true });
          const name = `${preset}-${pathname.replace(/\W+/g, "-").replace(/^-|-$/g, "") || "home"}.html`;
          await writeFile(path.join(values["report-dir"], name), result.html);
        }
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
