-- The console's Stripe event log filtered by status (/admin/events?status=FAILED),
-- in list order: without it the capped count read the table until it had found
-- 10,001 FAILED events (108 ms alone with 2 % FAILED of 10⁶ events; the page
-- 334 ms p50) and the page walked received_at filtering.
CREATE INDEX "stripe_events_status_received_at_id_idx" ON "stripe_events"("status", "received_at" DESC, "id" DESC);
