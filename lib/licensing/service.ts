// The license operations behind the client endpoints: read the license by the
// keyed hash of its key, decide with the pure functions of decision.ts, write
// only what the decision allows. Activation runs under a row lock on the
// license, so concurrent activations can never exceed its seats.
import { db } from "../db/client";
import { releasePublishedAt } from "../releases/published";
import { decide, decideActivation, mayFallBack, trialAlreadyUsed, type Decision, type LicenseSnapshot, type MachineSnapshot, type ValidationScope } from "./decision";
import { hashLicenseKey } from "./keys";
import { findLicenseCached } from "./license-cache";
import { findLicense } from "./license-lookup";
import { recordMachineEvent } from "../webhooks/record";
import { runtimeKeys } from "./runtime-keys";
import { claimTrialMachine } from "./trials";
import {
  deactivateByFingerprint,
  insertMachine,
  lockLicense,
  reviveMachine,
  touchMachine,
  type MachineDetails,
} from "./store";

export type Outcome = {
  decision: Decision;
  license: LicenseSnapshot | null;
  machines: MachineSnapshot[];
  /** the machine the request's fingerprint names, when it is one of the license's */
  machine: MachineSnapshot | null;
};

export const keyHash = (key: string) => hashLicenseKey(key, runtimeKeys().hmacKey);

const heartbeatDeadline = (license: LicenseSnapshot, now: Date) =>
  license.floating ? new Date(now.getTime() + license.heartbeatSeconds * 1000) : null;

function outcome(decision: Decision, found: { license: LicenseSnapshot; machines: MachineSnapshot[] } | null, fingerprint?: string): Outcome {
  const machines = found?.machines ?? [];
  const machine = fingerprint === undefined ? null : (machines.find((m) => m.fingerprint === fingerprint && m.deactivatedAt === null) ?? null);
  return { decision, license: found?.license ?? null, machines, machine };
}

/**
 * Read-only: the license from the in-process cache kept exact by LISTEN/NOTIFY (license-cache.ts), else one
 * indexed read shared with concurrent requests; no write (usage is counted off the hot path).
 * Only an expired license on a MAINTAIN plan asking about a `version` costs a second read (the release's
 * publication date, for the perpetual fallback).
 */
export async function validate(key: string, scope: ValidationScope, now = new Date()): Promise<Outcome> {
  const found = await findLicenseCached(db(), keyHash(key));
  const input = { license: found?.license ?? null, machines: found?.machines ?? [], scope, now };
  let decision = decide(input);
  if (found && mayFallBack(found.license, decision, scope)) {
    const publishedAt = await releasePublishedAt(found.license.product, scope.version!);
    decision = decide({ ...input, release: { publishedAt } });
  }
  return outcome(decision, found, scope.fingerprint);
}

export type ActivationOutcome = Outcome & { created: boolean };

/**
 * Adds the fingerprint as a machine of the license, or confirms it when it is
 * already active (idempotent). A deactivated or heartbeat-dead row of the same
 * fingerprint is revived rather than duplicated.
 *
 * A machine that is already active changes no seat, so it is confirmed from a
 * plain read (apps call activate on every start); only a change of seats takes
 * the lock.
 */
export async function activate(key: string, fingerprint: string, details: MachineDetails, now = new Date()): Promise<ActivationOutcome> {
  const found = await findLicense(db(), keyHash(key));
  const verdict = decideActivation({ license: found?.license ?? null, machines: found?.machines ?? [], fingerprint, now });
  if (found && verdict.ok && verdict.kind === "existing") {
    const { license } = found;
    // Floating seats are kept by moving the deadline; other machines' last-seen time is batched.
    const machine = license.floating ? await touchMachine(db(), verdict.machine.id, heartbeatDeadline(license, now)) : verdict.machine;
    const machines = found.machines.map((m) => (m.id === machine.id ? machine : m));
    return { decision: decide({ license, machines, scope: { fingerprint }, now }), license, machines, machine, created: false };
  }
  // Refusals that no concurrent change of seats could turn around (unknown key, status, expiry).
  if (!verdict.ok && verdict.decision.code !== "TOO_MANY_MACHINES") {
    return { ...outcome(verdict.decision, found, fingerprint), created: false };
  }
  return activateLocked(key, fingerprint, details, now);
}

/** The seat-changing path: decides again and writes under a row lock on the license. */
async function activateLocked(key: string, fingerprint: string, details: MachineDetails, now: Date): Promise<ActivationOutcome> {
  const client = await db().connect();
  try {
    await client.query("BEGIN");
    try {
      const found = await lockLicense(client, keyHash(key));
      const verdict = decideActivation({ license: found?.license ?? null, machines: found?.machines ?? [], fingerprint, now });
      if (!verdict.ok) {
        await client.query("COMMIT");
        return { ...outcome(verdict.decision, found, fingerprint), created: false };
      }
      const { license } = found!; // an ok verdict implies the license exists
      // A machine taking a seat of a trial license: refused when it ran another trial of the product before.
      if (license.trial && verdict.kind !== "existing" && !(await claimTrialMachine(client, license.id, fingerprint))) {
        await client.query("COMMIT");
        return { ...outcome(trialAlreadyUsed(), found, fingerprint), created: false };
      }
      const deadline = heartbeatDeadline(license, now);
      const machine =
        verdict.kind === "existing"
          ? await touchMachine(client, verdict.machine.id, deadline)
          : verdict.kind === "revive"
            ? await reviveMachine(client, verdict.machine.id, details, deadline)
            : await insertMachine(client, license.id, fingerprint, details, deadline);
      // A seat taken (new machine, or a deactivated / heartbeat-dead one back) is news for the vendor.
      if (verdict.kind !== "existing") await recordMachineEvent(client, "machine.activated", license.id, machine, { now });
      await client.query("COMMIT");
      const machines = [...found!.machines.filter((m) => m.id !== machine.id && m.deactivatedAt === null), machine];
      const decision = decide({ license, machines, scope: { fingerprint }, now });
      return { decision, license, machines, machine, created: verdict.kind !== "existing" };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
}

/** Frees the seat of the license's active machine with this fingerprint, with its machine.deactivated event; false when there is none. */
export async function deactivate(key: string, fingerprint: string): Promise<boolean> {
  const client = await db().connect();
  try {
    await client.query("BEGIN");
    try {
      const machine = await deactivateByFingerprint(client, keyHash(key), fingerprint);
      if (machine) await recordMachineEvent(client, "machine.deactivated", machine.licenseId, machine);
      await client.query("COMMIT");
      return machine !== null;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
}

/**
 * Keeps a floating machine's seat: moves its deadline when it is valid. A machine
 * that missed its deadline gets its seat back when one is free (through the
 * same locked path as activation), else it stays HEARTBEAT_DEAD.
 */
export async function heartbeat(key: string, fingerprint: string, now = new Date()): Promise<Outcome> {
  const checked = await validate(key, { fingerprint }, now);
  const { license, machine } = checked;
  if (!license?.floating) return checked;
  if (checked.decision.code === "VALID" && machine) {
    const touched = await touchMachine(db(), machine.id, heartbeatDeadline(license, now));
    return { ...checked, machine: touched, machines: checked.machines.map((m) => (m.id === touched.id ? touched : m)) };
  }
  if (checked.decision.code !== "HEARTBEAT_DEAD") return checked;
  const revived = await activate(key, fingerprint, {}, now);
  if (revived.decision.code === "VALID") return revived;
  // No seat is free: still dead, say so with the machine's state as it is.
  return checked;
}
