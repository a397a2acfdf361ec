-- Why a Stripe event was IGNORED (issue 11 item 4): Checkout Sessions the portal
-- did not create (Payment Links, other apps on the same account, setup mode,
-- unpaid) are answered 2xx and recorded as IGNORED with the reason, shown in the
-- console's event log, instead of failing and being retried by Stripe for days.

-- AlterTable
ALTER TABLE "stripe_events" ADD COLUMN "reason" TEXT;
