// The console's other license actions: issue by hand, free one machine or all,
// resend the key email, show the key. Issuing and freeing one machine run the
// admin API's own handlers (admin-api-bridge.ts); the rest follow their rules:
// the license row lock for machine changes, the audit entry in the transaction.
import { createLicense, deactivateMachine as apiDeactivateMachine } from "../admin-api/licenses";
import { lockLicense } from "../admin-api/license-view";
import { writeAudit } from "../audit/log";
import { recordMachineEvent } from "../webhooks/record";
import { prisma } from "../db/client";
import { queueLicenseEmail, renewsAutomatically } from "../email/messages";
import { decryptLicenseKey } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { callAdminApi } from "./admin-api-bridge";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";
import { licenseNotFound } from "./license-changes";

export type IssueInput = {
  plan: string;
  email: string;
  /** "plan": the plan's duration decides; "date": `expiresAt`; "perpetual": never expires */
  expiry: "plan" | "date" | "perpetual";
  expiresAt?: Date;
  maxMachines?: number;
  sendEmail: boolean;
};

/** `emailed`: the key email was queued (lib/email/outbox.ts delivers it, retrying while SMTP is down). */
export type IssueResult = { id: string; key: string; emailed: boolean };

export async function issueLicenseByHand(admin: ConsoleAdmin, input: IssueInput, ip: string | null): Promise<IssueResult> {
  const expiresAt = input.expiry === "date" ? input.expiresAt?.toISOString() : input.expiry === "perpetual" ? null : undefined;
  const issued = await callAdminApi<{ id: string; key: string }>(createLicense, {
    actor: adminActor(admin),
    ip,
    body: { plan: input.plan, email: input.email, expiresAt, maxMachines: input.maxMachines },
  });
  if (!input.sendEmail) return { ...issued, emailed: false };
  await sendKeyEmail(admin, issued.id, ip, "issued");
  return { ...issued, emailed: true };
}

export async function deactivateMachine(
  admin: ConsoleAdmin,
  input: { licenseId: string; machineId: string },
  ip: string | null,
): Promise<ActionResult> {
  await callAdminApi(apiDeactivateMachine, { actor: adminActor(admin), ip, params: [input.licenseId, input.machineId] });
  return { ok: true, message: "Machine deactivated: its seat is free." };
}

/** Frees every seat at once, e.g. after a customer replaced all their computers. */
export async function resetMachines(admin: ConsoleAdmin, input: { licenseId: string }, ip: string | null): Promise<ActionResult> {
  const count = await prisma().$transaction(async (tx) => {
    if (!(await lockLicense(tx, input.licenseId))) throw licenseNotFound();
    const active = await tx.machine.findMany({ where: { licenseId: input.licenseId, deactivatedAt: null }, select: { id: true, fingerprint: true } });
    if (active.length === 0) return 0;
    await tx.machine.updateMany({ where: { id: { in: active.map((m) => m.id) } }, data: { deactivatedAt: new Date() } });
    for (const { id } of active) {
      const machine = await tx.machine.findUniqueOrThrow({ where: { id } });
      await recordMachineEvent(tx, "machine.deactivated", input.licenseId, machine);
    }
    await writeAudit(tx, {
      actor: adminActor(admin),
      action: "license.reset_machines",
      target: { type: "license", id: input.licenseId },
      ip,
      data: { count: active.length, machines: active.map((m) => ({ id: m.id, fingerprint: m.fingerprint })) },
    });
    return active.length;
  });
  return { ok: true, message: count === 0 ? "No machine was active." : `${count} machine${count === 1 ? "" : "s"} deactivated: every seat is free.` };
}

async function keyOf(licenseId: string) {
  const row = await prisma().license.findUnique({
    where: { id: licenseId },
    include: { user: { select: { email: true } }, plan: { select: { name: true, product: { select: { name: true } } } } },
  });
  if (!row) throw licenseNotFound();
  return { row, key: decryptLicenseKey(row.keyCiphertext, runtimeKeys().aesKey) };
}

async function sendKeyEmail(admin: ConsoleAdmin, licenseId: string, ip: string | null, occasion: "issued" | "resend"): Promise<string> {
  const { row, key } = await keyOf(licenseId);
  // Queued with its audit entry in one transaction: the outbox sends it, retrying while SMTP is down
  // (the email_messages table holds it until it is sent).
  await prisma().$transaction(async (tx) => {
    const emailId = await queueLicenseEmail(tx, { to: row.user.email, productName: row.plan.product.name, planName: row.plan.name, key, expiresAt: row.expiresAt, renews: renewsAutomatically(row), occasion });
    await writeAudit(tx, {
      actor: adminActor(admin),
      action: "license.email_key",
      target: { type: "license", id: licenseId },
      ip,
      data: { to: row.user.email, emailId },
    });
  });
  return row.user.email;
}

export async function resendKeyEmail(admin: ConsoleAdmin, input: { licenseId: string }, ip: string | null): Promise<ActionResult> {
  const to = await sendKeyEmail(admin, input.licenseId, ip, "resend");
  return { ok: true, message: `The key email to ${to} is on its way.` };
}

/** The clear key for an admin's eyes; audited, since anyone holding it can use the license. */
export async function revealLicenseKey(admin: ConsoleAdmin, input: { licenseId: string }, ip: string | null): Promise<string> {
  const { key } = await keyOf(input.licenseId);
  await writeAudit(prisma(), { actor: adminActor(admin), action: "license.reveal_key", target: { type: "license", id: input.licenseId }, ip });
  return key;
}
