/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies and webhook payloads are JSON, checked field by field */
// Giving a license to someone else, end to end against a real database, the
// mail catcher (through the outbox's workers) and a signature-verifying webhook
// receiver: the admin API's PATCH {email} (which the console uses too), and the
// portal's gift, offered by the owner and accepted from the emailed link by the
// receiver signed in as that address.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleAdminApi } from "../admin-api/handlers";
import { db, prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import type { ApiError } from "../http/errors";
import { call as callLicenseApi } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { getLicenseForUser, listLicensesForUser } from "../portal/licenses";
import { listOrdersForUser } from "../portal/orders";
import { createEndpoint } from "../webhooks/endpoints";
import { acceptGift, giftByToken } from "./accept";
import { cancelGift, offerLicense, pendingGifts } from "./offers";
import { hashGiftToken } from "./token";

setupTestDatabase();
const jobs = setupTestJobs();
const TOKEN = "gift-test-admin-token";
const IP = "198.51.100.9";
const DAY_MS = 86_400_000;

let mail: MailCatcher;
let receiver: WebhookReceiver;
beforeAll(async () => {
  process.env.ADMIN_API_TOKEN = TOKEN;
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

async function patch(id: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await handleAdminApi({
    method: "PATCH",
    path: `/api/v1/admin/licenses/${id}`,
    query: new URLSearchParams(),
    host: "portal.test",
    ip: IP,
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: Buffer.from(JSON.stringify(body)),
  });
  return { status: res.status, json: JSON.parse(res.body.toString("utf8")) };
}

const machine = (licenseId: string, fingerprint: string) => prisma().machine.create({ data: { licenseId, fingerprint, name: `Box ${fingerprint}` } });
const rejection = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as ApiError);
const eventsFor = (licenseId: string) => receiver.received.filter((e) => (e.data as any).license?.id === licenseId);
const person = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });
const unique = () => Math.random().toString(36).slice(2, 10);

describe("PATCH /api/v1/admin/licenses/{id} {email}", () => {
  it("moves the license to a new customer, keeps key and machines, audits it and sends license.updated", async () => {
    const { license, key, user } = await createLicense({ maxMachines: 2 });
    await machine(license.id, "fp-a");
    const to = `grace.${unique()}@example.com`;

    const res = await patch(license.id, { email: `  ${to.toUpperCase()} ` });
    expect(res.status).toBe(200);
    expect(res.json.license).toMatchObject({ id: license.id, email: to, keyHint: license.keyHint, activeMachines: 1 });
    expect(res.json.machines.map((m: any) => m.fingerprint)).toEqual(["fp-a"]);

    const owner = await prisma().user.findUniqueOrThrow({ where: { email: to } });
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).userId).toBe(owner.id);
    expect((await callLicenseApi("/api/v1/licenses/validate", { key, fingerprint: "fp-a" })).json.code).toBe("VALID");
    expect(await listLicensesForUser(user.id)).toEqual([]);
    expect((await listLicensesForUser(owner.id)).map((l) => l.id)).toEqual([license.id]);

    const audit = await prisma().auditLog.findMany({ where: { action: "license.update", targetId: license.id } });
    expect(audit.map((a) => a.data)).toEqual([{ changes: { email: { from: user.email, to } } }]);
    expect(audit[0]).toMatchObject({ actorType: "env_token", ip: IP });

    const [event] = await receiver.waitFor(() => eventsFor(license.id).length > 0).then(() => eventsFor(license.id));
    expect(event).toMatchObject({ type: "license.updated", data: { changes: { email: { from: user.email, to } }, license: { id: license.id, email: to } } });

    // The same owner again: a no-op, nothing audited.
    expect((await patch(license.id, { email: to })).status).toBe(200);
    expect(await prisma().auditLog.count({ where: { action: "license.update", targetId: license.id } })).toBe(1);
  });

  it("moves it to an existing customer, who then sees both licenses", async () => {
    const { license } = await createLicense();
    const { license: theirs, user: existing } = await createLicense();
    expect((await patch(license.id, { email: existing.email })).status).toBe(200);
    expect((await listLicensesForUser(existing.id)).map((l) => l.id).sort()).toEqual([license.id, theirs.id].sort());
    expect(await prisma().user.count({ where: { email: existing.email } })).toBe(1);
  });

  it("answers 400 for anything but one address and 404 for an unknown license, changing nothing", async () => {
    const { license, user } = await createLicense();
    for (const email of ["not-an-address", "a@example.com, b@example.com", "", 42]) {
      const res = await patch(license.id, { email });
      expect(res.status, String(email)).toBe(400);
      expect(res.json.error.code).toBe("BAD_REQUEST");
    }
    expect((await patch("00000000-0000-4000-8000-000000000000", { email: "x@example.com" })).status).toBe(404);
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).userId).toBe(user.id);
    expect(await prisma().user.count({ where: { email: "x@example.com" } })).toBe(0);
  });
});

describe("a gift from the portal", () => {
  it("is emailed as a link, accepted by the receiver signed in as that address, and moves the license with its machines", async () => {
    const { license, key, user: giver } = await createLicense({ maxMachines: 3 });
    await prisma().payment.create({ data: { userId: giver.id, licenseId: license.id, amountCents: 4900, currency: "usd", kind: "purchase" } });
    expect((await listOrdersForUser(giver.id)).map((o) => [o.licenseId, o.givenAway])).toEqual([[license.id, false]]);
    await machine(license.id, "fp-1");
    await machine(license.id, "fp-2");
    const to = `heir.${unique()}@example.com`;

    const gift = await offerLicense(person(giver), { licenseId: license.id, email: ` ${to.toUpperCase()}` }, IP);
    expect(gift).toMatchObject({ toEmail: to });
    expect(gift.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * DAY_MS);
    expect((await pendingGifts(giver.id, license.id)).map((g) => g.id)).toEqual([gift.id]);

    const sent = await mail.waitFor((m) => m.to.includes(to));
    expect(sent.subject).toMatch(/^A license for .+ is waiting for you$/);
    expect(sent.text).toContain(`${giver.email} wants to give you their license for`);
    const token = /\/account\/gifts\/([A-Za-z0-9_-]{43})/.exec(sent.text)?.[1];
    expect(token).toBeDefined();
    expect(sent.text).not.toContain(key);
    // Only its hash is stored.
    const row = await prisma().licenseGift.findUniqueOrThrow({ where: { id: gift.id } });
    expect(row.tokenHash).toBe(hashGiftToken(token!));
    const dump = (await db().query("SELECT * FROM license_gifts")).rows;
    expect(JSON.stringify(dump)).not.toContain(token!);

    // Until accepted the license is the giver's.
    expect(await giftByToken(token)).toMatchObject({ state: "pending", toEmail: to, fromEmail: giver.email, licenseId: license.id });
    expect((await listLicensesForUser(giver.id)).map((l) => l.id)).toEqual([license.id]);

    // Someone else signed in cannot take it.
    const { user: other } = await createLicense();
    expect(await rejection(acceptGift(person(other), token, IP))).toMatchObject({ code: "FORBIDDEN" });

    const receiverUser = await prisma().user.create({ data: { email: to } });
    expect(await acceptGift(person(receiverUser), token, IP)).toBe(license.id);

    expect(await getLicenseForUser(giver.id, license.id)).toBeNull();
    expect(await listLicensesForUser(giver.id)).toEqual([]);
    // The giver's order stays, without a link to a license page that is no longer theirs (it answers 404).
    const [order] = await listOrdersForUser(giver.id);
    expect(order).toMatchObject({ licenseId: null, givenAway: true });
    const theirs = await getLicenseForUser(receiverUser.id, license.id);
    expect(theirs?.machines.map((m) => [m.name, m.holdsSeat])).toEqual([["Box fp-1", true], ["Box fp-2", true]]);
    expect((await callLicenseApi("/api/v1/licenses/validate", { key, fingerprint: "fp-2" })).json).toMatchObject({ code: "VALID", license: { activeMachines: 2 } });

    const audit = await prisma().auditLog.findMany({ where: { targetId: license.id, action: { startsWith: "license.gift" } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["license.gift_offer", giver.id],
      ["license.gift_accept", receiverUser.id],
    ]);
    expect(audit[0]!.data).toMatchObject({ giftId: gift.id, to });
    expect(audit[1]!.data).toEqual({ giftId: gift.id, changes: { email: { from: giver.email, to } } });

    await receiver.waitFor(() => eventsFor(license.id).length > 0);
    expect(eventsFor(license.id)).toMatchObject([{ type: "license.updated", data: { changes: { email: { from: giver.email, to } } } }]);

    // The link works once.
    expect(await rejection(acceptGift(person(receiverUser), token, IP))).toMatchObject({ code: "GONE", message: "This gift has been accepted already." });
    expect(await giftByToken(token)).toMatchObject({ state: "accepted" });
  });

  it("can be cancelled by the giver, replaced by a newer offer, and expires; none of those links moves anything", async () => {
    const { license, user: giver } = await createLicense();
    const a = `a.${unique()}@example.com`;
    const b = `b.${unique()}@example.com`;
    const receiverA = await prisma().user.create({ data: { email: a } });
    const receiverB = await prisma().user.create({ data: { email: b } });
    const linkTo = async (address: string) => /\/account\/gifts\/([A-Za-z0-9_-]{43})/.exec((await mail.waitFor((m) => m.to.includes(address))).text)![1]!;

    const first = await offerLicense(person(giver), { licenseId: license.id, email: a }, IP);
    const firstToken = await linkTo(a);
    // A newer offer replaces it.
    await offerLicense(person(giver), { licenseId: license.id, email: b }, IP);
    const secondToken = await linkTo(b);
    expect((await pendingGifts(giver.id, license.id)).map((g) => g.toEmail)).toEqual([b]);
    expect(await rejection(acceptGift(person(receiverA), firstToken, IP))).toMatchObject({ code: "GONE", message: "The giver cancelled this gift." });
    expect(await rejection(cancelGift(person(giver), { giftId: first.id }, IP))).toMatchObject({ code: "NOT_FOUND" });

    // Cancelled by the giver (not by anyone else).
    const [pending] = await pendingGifts(giver.id, license.id);
    expect(await rejection(cancelGift(person(receiverB), { giftId: pending!.id }, IP))).toMatchObject({ code: "NOT_FOUND" });
    expect(await cancelGift(person(giver), { giftId: pending!.id }, IP)).toBe(license.id);
    expect(await rejection(acceptGift(person(receiverB), secondToken, IP))).toMatchObject({ code: "GONE" });
    expect(await pendingGifts(giver.id, license.id)).toEqual([]);

    // Expired.
    await offerLicense(person(giver), { licenseId: license.id, email: a }, IP, new Date(Date.now() - 8 * DAY_MS));
    const oldToken = /\/account\/gifts\/([A-Za-z0-9_-]{43})/.exec(
      (await mail.waitFor((m) => m.to.includes(a) && !m.text.includes(firstToken))).text,
    )![1]!;
    expect(await giftByToken(oldToken)).toMatchObject({ state: "expired" });
    expect(await rejection(acceptGift(person(receiverA), oldToken, IP))).toMatchObject({ code: "GONE" });

    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).userId).toBe(giver.id);
    expect(await prisma().auditLog.count({ where: { targetId: license.id, action: "license.gift_cancel" } })).toBe(1);
    expect(await rejection(acceptGift(person(receiverA), "not-a-token", IP))).toMatchObject({ code: "NOT_FOUND" });
    expect(await giftByToken("x".repeat(43))).toEqual({ state: "unknown" });
  });

  it("stops working once the vendor moved the license to someone else", async () => {
    const { license, user: giver } = await createLicense();
    const to = `late.${unique()}@example.com`;
    const late = await prisma().user.create({ data: { email: to } });
    await offerLicense(person(giver), { licenseId: license.id, email: to }, IP);
    const token = /\/account\/gifts\/([A-Za-z0-9_-]{43})/.exec((await mail.waitFor((m) => m.to.includes(to))).text)![1]!;
    expect((await patch(license.id, { email: `vendor-pick.${unique()}@example.com` })).status).toBe(200);
    expect(await rejection(acceptGift(person(late), token, IP))).toMatchObject({ code: "GONE" });
    expect((await prisma().license.findUniqueOrThrow({ where: { id: license.id }, include: { user: true } })).user.email).toMatch(/^vendor-pick\./);
  });

  it("is refused for the owner's own address, another customer's license, a revoked one and a subscription's", async () => {
    const { license, user: giver } = await createLicense();
    const { license: foreign } = await createLicense();
    expect(await rejection(offerLicense(person(giver), { licenseId: license.id, email: giver.email.toUpperCase() }, IP))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await rejection(offerLicense(person(giver), { licenseId: license.id, email: "a@example.com; b@example.com" }, IP))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await rejection(offerLicense(person(giver), { licenseId: foreign.id, email: "x@example.com" }, IP))).toMatchObject({ code: "NOT_FOUND" });
    expect(await rejection(offerLicense(person(giver), { licenseId: "nope", email: "x@example.com" }, IP))).toMatchObject({ code: "NOT_FOUND" });
    await prisma().license.update({ where: { id: license.id }, data: { stripeSubscriptionId: `sub_${unique()}` } });
    expect(await rejection(offerLicense(person(giver), { licenseId: license.id, email: "x@example.com" }, IP))).toMatchObject({ code: "CONFLICT" });
    await prisma().license.update({ where: { id: license.id }, data: { stripeSubscriptionId: null, status: "REVOKED" } });
    expect(await rejection(offerLicense(person(giver), { licenseId: license.id, email: "x@example.com" }, IP))).toMatchObject({ code: "CONFLICT" });
    expect(await prisma().licenseGift.count({ where: { licenseId: { in: [license.id, foreign.id] } } })).toBe(0);
  });
});
