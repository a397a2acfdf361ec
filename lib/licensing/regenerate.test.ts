/* eslint-disable @typescript-eslint/no-explicit-any -- webhook payloads are JSON, checked field by field */
// Regenerating a leaked key against a real database, the license API handler,
// the mail catcher (through the outbox's workers) and a webhook receiver that
// verifies signatures: the old key is refused from the very next request,
// every machine keeps its seat under the new key, and the change is audited,
// emailed and sent as license.updated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeListener, prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { ApiError } from "../http/errors";
import { metrics } from "../metrics/registry";
import { call } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { createEndpoint } from "../webhooks/endpoints";
import { regenerateLicenseKey } from "./regenerate";

setupTestDatabase();
const jobs = setupTestJobs();
const IP = "198.51.100.4";
const KEY_PATTERN = /^ZP-([A-HJ-NP-Z2-9]{5}-){3}[A-HJ-NP-Z2-9]{5}$/;

let mail: MailCatcher;
let receiver: WebhookReceiver;
beforeAll(async () => {
  process.env.RATE_LIMIT_PER_MINUTE = "0";
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
  receiver = await startWebhookReceiver();
  const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url, events: ["license.updated"] });
  receiver.secret = endpoint.secret;
  await jobs.start();
});
afterAll(async () => {
  await mail.stop();
  await receiver.close();
});

async function cacheHits(): Promise<number> {
  const { values } = await metrics().registry.getSingleMetric("license_cache_lookups_total")!.get();
  return values.find((v) => v.labels.result === "hit")?.value ?? 0;
}

async function untilListening(): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!changeListener().listening) {
    if (Date.now() > deadline) throw new Error("the change listener did not connect");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const activate = (key: string, fingerprint: string) => call("/api/v1/licenses/activate", { key, fingerprint });
const validate = (key: string, fingerprint?: string) => call("/api/v1/licenses/validate", { key, fingerprint });

describe("regenerateLicenseKey", () => {
  it("refuses the old key at once, keeps every machine's seat under the new key, and audits, emails and announces it", async () => {
    const { license, key: oldKey, user } = await createLicense({ maxMachines: 2 });
    const owner = { type: "user" as const, id: user.id, label: user.email };
    expect((await activate(oldKey, "fp-one")).status).toBe(201);
    expect((await activate(oldKey, "fp-two")).status).toBe(201);
    // The old key sits in this process's license cache (license-cache.ts): it must not be served from there.
    await untilListening();
    await validate(oldKey, "fp-one");
    const hitsBefore = await cacheHits();
    expect((await validate(oldKey, "fp-one")).json.code).toBe("VALID");
    expect(await cacheHits()).toBe(hitsBefore + 1);

    const done = await regenerateLicenseKey({ licenseId: license.id, ownerId: user.id, actor: owner, ip: IP, via: "portal" });
    expect(done.key).toMatch(KEY_PATTERN);
    expect(done.key).not.toBe(oldKey);
    expect(done).toMatchObject({ keyHint: done.key.slice(-5), previousKeyHint: oldKey.slice(-5), emailedTo: user.email });

    // The old key: NOT_FOUND on the very next request, on every client endpoint.
    const refused = await validate(oldKey, "fp-one");
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ valid: false, code: "NOT_FOUND", license: null });
    const reactivate = await activate(oldKey, "fp-three");
    expect(reactivate.status).toBe(404);
    expect(reactivate.json.code).toBe("NOT_FOUND");
    const seed = await call("/api/validate", { key: oldKey, machine_id: "fp-one" });
    expect(seed.status).toBe(403);
    expect(seed.json).toEqual({ valid: false, reason: "Invalid key" });

    // The new key: both machines hold their seats; entering it again takes no new seat.
    const fresh = await validate(done.key, "fp-two");
    expect(fresh.json).toMatchObject({ valid: true, code: "VALID", license: { id: license.id, activeMachines: 2, maxMachines: 2 } });
    const again = await activate(done.key, "fp-one");
    expect(again.status).toBe(200);
    expect((await activate(done.key, "fp-three")).json.code).toBe("TOO_MANY_MACHINES");
    expect(await prisma().machine.count({ where: { licenseId: license.id, deactivatedAt: null } })).toBe(2);

    // Stored: a new hash, ciphertext and hint; nowhere the clear key.
    const row = await prisma().license.findUniqueOrThrow({ where: { id: license.id } });
    expect(row.keyHash).not.toBe(license.keyHash);
    expect(row.keyCiphertext).not.toBe(license.keyCiphertext);
    expect(row.keyHint).toBe(done.key.slice(-5));
    expect(JSON.stringify(row)).not.toContain(done.key);

    const audit = await prisma().auditLog.findMany({ where: { action: "license.regenerate_key", targetId: license.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "user", actorId: user.id, actorLabel: user.email, ip: IP });
    expect(audit[0]!.data).toEqual({ changes: { keyHint: { from: oldKey.slice(-5), to: done.key.slice(-5) } }, via: "portal" });
    expect(JSON.stringify(audit[0]!.data)).not.toContain(done.key);

    const sent = await mail.waitFor((m) => m.to.includes(user.email) && m.text.includes(done.key));
    expect(sent.text).toContain("replaced by a new one, and the old key no longer works");
    expect(sent.text).not.toContain(oldKey);
    const stored = await prisma().emailMessage.findUniqueOrThrow({ where: { id: done.emailId } });
    expect(stored).toMatchObject({ kind: "license_key", toAddress: user.email });
    expect(stored.bodyCiphertext).not.toContain(done.key);

    const [event] = (await receiver.waitFor((r) => r.some((e) => (e.data as any).license?.id === license.id))).filter((e) => (e.data as any).license?.id === license.id);
    expect(event!.type).toBe("license.updated");
    expect(event!.data).toMatchObject({ changes: { keyHint: { from: oldKey.slice(-5), to: done.key.slice(-5) } }, license: { id: license.id, keyHint: done.key.slice(-5) } });
    expect(JSON.stringify(event)).not.toContain(done.key);
  });

  it("refuses another customer's license, a revoked one and an unknown id, and changes nothing", async () => {
    const { license, key, user } = await createLicense();
    const { user: stranger } = await createLicense();
    const actor = { type: "user" as const, id: stranger.id, label: stranger.email };
    const attempt = (input: Partial<Parameters<typeof regenerateLicenseKey>[0]>) =>
      regenerateLicenseKey({ licenseId: license.id, ownerId: stranger.id, actor, ip: IP, via: "portal", ...input }).then(
        () => null,
        (e: unknown) => e as ApiError,
      );
    expect(await attempt({})).toMatchObject({ code: "NOT_FOUND" });
    expect(await attempt({ licenseId: "00000000-0000-4000-8000-000000000000", ownerId: undefined })).toMatchObject({ code: "NOT_FOUND" });
    await prisma().license.update({ where: { id: license.id }, data: { status: "REVOKED" } });
    expect(await attempt({ ownerId: user.id })).toMatchObject({ code: "CONFLICT" });
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).keyHash).toBe(license.keyHash);
    expect(await prisma().auditLog.count({ where: { action: "license.regenerate_key", targetId: license.id } })).toBe(0);
    expect((await validate(key)).json.code).toBe("REVOKED");
  });
});
