// The console's pages and the admin API's lists at the benchmark's largest size:
// each URL is fetched one request at a time (after two warm-up requests) and its
// time to the last byte is reported as p50/p95. On localhost with nothing else
// in flight this is the server's time. Target (issue 16): under 300 ms.
import { randomBytes } from "node:crypto";
import type pg from "pg";

const REQUESTS = Number(process.env.BENCH_ADMIN_REQUESTS ?? 15);

type Target = { label: string; path: string; auth: "token" | "session" };

async function timeOne(url: string, headers: Record<string, string>): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers, redirect: "manual" });
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/** Signs an admin in the way Auth.js's database sessions do: a sessions row and its cookie. */
async function adminSession(client: pg.Client): Promise<string> {
  const user = await client.query<{ id: string }>(
    `INSERT INTO users (email, role, updated_at) VALUES ('bench-admin@example.com', 'ADMIN', now())
     ON CONFLICT (email) DO UPDATE SET role = 'ADMIN' RETURNING id`,
  );
  const token = randomBytes(32).toString("hex");
  await client.query(`INSERT INTO sessions (session_token, user_id, expires) VALUES ($1, $2, now() + interval '1 day')`, [token, user.rows[0]!.id]);
  return `authjs.session-token=${token}`;
}

export async function measureAdminPages(
  client: pg.Client,
  opts: { baseUrl: string; adminToken: string; licenses: number; log: (line: string) => void },
): Promise<void> {
  const cookie = await adminSession(client);
  const sample = await client.query<{ id: string; user_id: string; email: string; key_hint: string; plan_id: string; product_id: string }>(
    `SELECT l.id, l.user_id, u.email, l.key_hint, l.plan_id, p.product_id FROM licenses l JOIN users u ON u.id = l.user_id JOIN plans p ON p.id = l.plan_id
     WHERE u.email LIKE 'bench-customer-%' ORDER BY l.key_hash LIMIT 1`,
  );
  const one = sample.rows[0]!;
  const targets: Target[] = [
    { label: "API GET /api/v1/admin/licenses", path: "/api/v1/admin/licenses", auth: "token" },
    { label: "API  …?status=ACTIVE", path: "/api/v1/admin/licenses?status=ACTIVE", auth: "token" },
    { label: "API  …?status=SUSPENDED", path: "/api/v1/admin/licenses?status=SUSPENDED", auth: "token" },
    { label: "API  …?status=EXPIRED", path: "/api/v1/admin/licenses?status=EXPIRED", auth: "token" },
    { label: "API  …?email=<a customer>", path: `/api/v1/admin/licenses?email=${encodeURIComponent(one.email)}`, auth: "token" },
    { label: "API  …?plan=bench-pro", path: "/api/v1/admin/licenses?plan=bench-pro", auth: "token" },
    { label: "API GET /api/v1/admin/licenses/{id}", path: `/api/v1/admin/licenses/${one.id}`, auth: "token" },
    { label: "API GET /api/v1/admin/customers", path: "/api/v1/admin/customers", auth: "token" },
    { label: "API  …?email=<a customer>", path: `/api/v1/admin/customers?email=${encodeURIComponent(one.email)}`, auth: "token" },
    { label: "API GET /api/v1/admin/products", path: "/api/v1/admin/products", auth: "token" },
    { label: "API GET /api/v1/admin/plans", path: "/api/v1/admin/plans", auth: "token" },
    { label: "API GET /api/v1/admin/releases", path: "/api/v1/admin/releases", auth: "token" },
    { label: "API GET /api/v1/admin/webhook-endpoints", path: "/api/v1/admin/webhook-endpoints", auth: "token" },
    { label: "console /admin (dashboard, 30 days)", path: "/admin", auth: "session" },
    { label: "console /admin?range=7", path: "/admin?range=7", auth: "session" },
    { label: "console /admin?range=90", path: "/admin?range=90", auth: "session" },
    { label: "console /admin/licenses", path: "/admin/licenses", auth: "session" },
    { label: "console /admin/licenses?status=SUSPENDED", path: "/admin/licenses?status=SUSPENDED", auth: "session" },
    { label: "console /admin/licenses?status=EXPIRED", path: "/admin/licenses?status=EXPIRED", auth: "session" },
    { label: "console /admin/licenses?plan=bench-pro", path: "/admin/licenses?plan=bench-pro", auth: "session" },
    { label: "console /admin/licenses?email=<customer>", path: `/admin/licenses?email=${encodeURIComponent(one.email)}`, auth: "session" },
    { label: "console /admin/licenses?key=<hint>", path: `/admin/licenses?key=${one.key_hint}`, auth: "session" },
    { label: "console /admin/licenses/{id}", path: `/admin/licenses/${one.id}`, auth: "session" },
    { label: "console /admin/customers", path: "/admin/customers", auth: "session" },
    { label: "console /admin/customers?q=<email>", path: `/admin/customers?q=${encodeURIComponent(one.email)}`, auth: "session" },
    { label: "console /admin/customers/{id}", path: `/admin/customers/${one.user_id}`, auth: "session" },
    { label: "console /admin/licenses/new", path: "/admin/licenses/new", auth: "session" },
    { label: "console /admin/products", path: "/admin/products", auth: "session" },
    { label: "console /admin/products/{id}", path: `/admin/products/${one.product_id}`, auth: "session" },
    { label: "console /admin/plans/{id}", path: `/admin/plans/${one.plan_id}`, auth: "session" },
    { label: "console /admin/releases", path: "/admin/releases", auth: "session" },
    { label: "console /admin/events", path: "/admin/events", auth: "session" },
    { label: "console /admin/events?status=FAILED", path: "/admin/events?status=FAILED", auth: "session" },
    { label: "console /admin/events?type=invoice", path: "/admin/events?type=invoice", auth: "session" },
    { label: "console /admin/emails", path: "/admin/emails", auth: "session" },
    { label: "console /admin/emails?status=FAILED", path: "/admin/emails?status=FAILED", auth: "session" },
    { label: "console /admin/audit", path: "/admin/audit", auth: "session" },
    { label: "console /admin/audit?action=license.", path: "/admin/audit?action=license.", auth: "session" },
    { label: "console /admin/webhooks", path: "/admin/webhooks", auth: "session" },
    { label: "console /admin/tokens", path: "/admin/tokens", auth: "session" },
    { label: "console /admin/storefront", path: "/admin/storefront", auth: "session" },
    { label: "console /admin/transfer", path: "/admin/transfer", auth: "session" },
  ];
  opts.log(`admin pages and lists with ${opts.licenses.toLocaleString("en")} licenses: ${REQUESTS} sequential requests each`);
  console.log(`\n${"page or list".padEnd(44)} ${"status".padStart(6)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)}`);
  for (const t of targets) {
    const headers: Record<string, string> = t.auth === "token" ? { authorization: `Bearer ${opts.adminToken}` } : { cookie };
    const url = opts.baseUrl + t.path;
    await timeOne(url, headers);
    await timeOne(url, headers);
    const runs: { ms: number; status: number }[] = [];
    for (let i = 0; i < REQUESTS; i++) runs.push(await timeOne(url, headers));
    const ms = runs.map((r) => r.ms);
    const p95 = percentile(ms, 95);
    console.log(
      `${t.label.padEnd(44)} ${String(runs[0]!.status).padStart(6)} ${percentile(ms, 50).toFixed(0).padStart(7)} ${p95.toFixed(0).padStart(7)}${p95 >= 300 ? "  (over 300 ms)" : ""}`,
    );
  }
}
