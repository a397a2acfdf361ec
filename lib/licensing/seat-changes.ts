// What a change of plan or floating mode does to a license's machines (API.md
// "Seats after a change"). Seat counts need no write: decision.ts seatHolders
// gives seats to the live machines in activation order whenever the license is
// read, so fewer seats leave the newest machines waiting (TOO_MANY_MACHINES)
// without deleting them. Floating mode is different: a machine's heartbeat
// deadline is state, so a move onto or off a floating plan is written here, in
// the caller's transaction, at the moment of the move.
import type { Prisma } from "../generated/prisma/client";

type Tx = Prisma.TransactionClient;

/** The floating terms of a plan before and after a change. */
export type FloatingChange = {
  from: { floating: boolean };
  to: { floating: boolean; heartbeatSeconds: number };
};

/**
 * Applies a change of floating mode to the machines of the licenses selected by
 * `licenses` (ids, or every license of a plan), inside `tx`:
 * - onto a floating plan: every machine that is not deactivated gets a heartbeat
 *   deadline of `now` + the new plan's `heartbeatSeconds` (s), so machines that
 *   never send a heartbeat lose their seat then instead of keeping it forever;
 * - off a floating plan: machines whose deadline had passed are deactivated at
 *   `now` (they held no seat and must not get one back by the change; activating
 *   them again revives them), and the others' deadlines are cleared.
 * Nothing happens when the mode is unchanged. Answers how many machines changed.
 */
export async function applyFloatingChange(
  tx: Tx,
  licenses: { licenseIds: string[] } | { planId: string },
  change: FloatingChange,
  now: Date,
): Promise<number> {
  if (change.from.floating === change.to.floating) return 0;
  const scope: Prisma.MachineWhereInput =
    "planId" in licenses ? { license: { planId: licenses.planId } } : { licenseId: { in: licenses.licenseIds } };
  if (change.to.floating) {
    const deadline = new Date(now.getTime() + change.to.heartbeatSeconds * 1000);
    const { count } = await tx.machine.updateMany({ where: { ...scope, deactivatedAt: null }, data: { heartbeatDeadline: deadline } });
    return count;
  }
  const dead = await tx.machine.updateMany({
    where: { ...scope, deactivatedAt: null, heartbeatDeadline: { lte: now } },
    data: { deactivatedAt: now },
  });
  const live = await tx.machine.updateMany({
    where: { ...scope, deactivatedAt: null, heartbeatDeadline: { not: null } },
    data: { heartbeatDeadline: null },
  });
  return dead.count + live.count;
}
