// The Stripe event log: every event the webhook received, how it was handled and
// why it failed; and re-running a FAILED one through the webhook's own
// dispatcher (rerunStripeEvent), which claims the row first, so a re-run of an
// event that meanwhile succeeded (a Stripe retry, another admin) does nothing.
import { z } from "zod";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { startsWithText } from "../db/like";
import { ApiError } from "../http/errors";
import { text } from "../http/input";
import { rerunStripeEvent, StripeEventFailed } from "../payments/webhooks/process-event";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";
import { COUNT_CAP, pageOf, pageParam, type Page } from "./paging";

const EVENTS_PER_PAGE = 50;
export const EVENT_STATUSES = ["PROCESSING", "PROCESSED", "IGNORED", "FAILED"] as const;

export const eventSearchSchema = z.object({
  status: z.enum(EVENT_STATUSES).optional().catch(undefined),
  type: text({ max: 100 }).optional().catch(undefined),
  page: pageParam,
});

export type StripeEventRow = {
  id: string;
  type: string;
  status: (typeof EVENT_STATUSES)[number];
  error: string | null;
  /** why an IGNORED event was left alone */
  reason: string | null;
  attempts: number;
  receivedAt: Date;
  processedAt: Date | null;
  /** the Stripe object the event is about, e.g. cs_..., sub_..., in_... */
  objectId: string | null;
};

export async function listStripeEvents(search: z.output<typeof eventSearchSchema>): Promise<Page<StripeEventRow>> {
  const where: Prisma.StripeEventWhereInput = {
    ...(search.status ? { status: search.status } : {}),
    ...(search.type ? { type: startsWithText(search.type) } : {}),
  };
  const [rows, total] = await Promise.all([
    prisma().stripeEvent.findMany({
      where,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      skip: (search.page - 1) * EVENTS_PER_PAGE,
      take: EVENTS_PER_PAGE,
    }),
    // With a status, counted along the (status, received_at, id) index and stopped at the cap;
    // Prisma's capped count otherwise orders by id, which sorts every matching row (at 10⁶ events:
    // ?status=FAILED 34 → 4 ms, with a type too 638 → 240 ms). Without one, the id order is the
    // primary key's and the cheaper.
    prisma().stripeEvent.count({
      where,
      ...(search.status ? { orderBy: [{ status: "asc" }, { receivedAt: "desc" }, { id: "desc" }] } : {}),
      take: COUNT_CAP + 1,
    }),
  ]);
  const items = rows.map(({ payload, ...row }) => {
    const object = (payload as { data?: { object?: { id?: unknown } } } | null)?.data?.object;
    return { ...row, objectId: typeof object?.id === "string" ? object.id : null };
  });
  return pageOf(items, total, search.page, EVENTS_PER_PAGE);
}

export async function rerunFailedEvent(admin: ConsoleAdmin, input: { eventId: string }, ip: string | null): Promise<ActionResult> {
  const row = await prisma().stripeEvent.findUnique({ where: { id: input.eventId }, select: { status: true } });
  if (!row) throw new ApiError("NOT_FOUND", `Stripe event ${input.eventId} was never received.`);
  if (row.status !== "FAILED") return { ok: true, message: `Event ${input.eventId} is ${row.status.toLowerCase()}: nothing to re-run.` };

  const audit = (outcome: string) =>
    writeAudit(prisma(), { actor: adminActor(admin), action: "stripe_event.rerun", target: { type: "stripe_event", id: input.eventId }, ip, data: { outcome } });
  let outcome: string;
  try {
    outcome = await rerunStripeEvent(input.eventId);
  } catch (error) {
    // The dispatcher has recorded the new failure on the row; report it from there.
    if (!(error instanceof StripeEventFailed)) throw error;
    await audit("failed");
    const failed = await prisma().stripeEvent.findUnique({ where: { id: input.eventId }, select: { error: true } });
    return { error: `Event ${input.eventId} failed again: ${failed?.error ?? "see the server log"}` };
  }
  // Another re-run (or a Stripe retry) claimed the event first: this one changed
  // nothing, and like a re-run of an event found handled above, is not audited.
  if (outcome === "duplicate") return { ok: true, message: `Event ${input.eventId} had already been handled meanwhile.` };
  await audit(outcome);
  return { ok: true, message: `Event ${input.eventId} re-run: ${outcome}.` };
}
