-- The subscription and the payment intent each stored Stripe event is about,
-- kept by PostgreSQL itself from the payload (generated columns) and indexed:
-- the webhook's ordering and replay queries look events up by them, and
-- reading them out of the JSON scanned the whole table on every event.
-- The rules mirror lib/payments/webhooks/stripe-objects.ts.

-- AlterTable
ALTER TABLE "stripe_events"
  ADD COLUMN "subscription_id" TEXT GENERATED ALWAYS AS (CASE
    WHEN "type" LIKE 'customer.subscription.%' THEN "payload" #>> '{data,object,id}'
    WHEN "type" LIKE 'invoice.%' THEN COALESCE("payload" #>> '{data,object,parent,subscription_details,subscription}', "payload" #>> '{data,object,subscription}')
    WHEN "type" LIKE 'checkout.session.%' THEN "payload" #>> '{data,object,subscription}'
  END) STORED,
  ADD COLUMN "payment_intent_id" TEXT GENERATED ALWAYS AS (CASE
    WHEN "type" LIKE 'charge.%' THEN "payload" #>> '{data,object,payment_intent}'
    WHEN "type" LIKE 'invoice_payment.%' THEN "payload" #>> '{data,object,payment,payment_intent}'
  END) STORED;

-- CreateIndex
CREATE INDEX "stripe_events_subscription_id_idx" ON "stripe_events"("subscription_id");

-- CreateIndex
CREATE INDEX "stripe_events_payment_intent_id_idx" ON "stripe_events"("payment_intent_id");

-- The console finds licenses by the last group of their key, read out by customers.
-- CreateIndex
CREATE INDEX "licenses_key_hint_idx" ON "licenses"("key_hint");
