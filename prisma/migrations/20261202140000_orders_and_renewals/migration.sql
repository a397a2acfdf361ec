-- Orders and invoices in the customer portal: each payment knows its plan, its one-time payment
-- intent (for the receipt), what was refunded of it and whether it is disputed; refunds are rows of
-- their own. A subscription's license knows whether it is set to end at its period's end.

-- AlterTable
ALTER TABLE "licenses" ADD COLUMN "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "payments" ADD COLUMN "stripe_payment_intent_id" TEXT,
ADD COLUMN "plan_id" UUID,
ADD COLUMN "amount_refunded_cents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "disputed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "payment_refunds" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "payment_id" UUID NOT NULL,
    "stripe_refund_id" TEXT,
    "amount_cents" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_refunds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "payments_stripe_payment_intent_id_idx" ON "payments"("stripe_payment_intent_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_refunds_stripe_refund_id_key" ON "payment_refunds"("stripe_refund_id");

-- CreateIndex
CREATE INDEX "payment_refunds_payment_id_idx" ON "payment_refunds"("payment_id");

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing payments: the plan of their license, and a purchase's payment intent from its license.
UPDATE "payments" p SET "plan_id" = l."plan_id" FROM "licenses" l WHERE p."license_id" = l."id";
UPDATE "payments" p SET "stripe_payment_intent_id" = l."stripe_payment_intent_id"
  FROM "licenses" l
  WHERE p."stripe_checkout_session_id" IS NOT NULL AND p."stripe_checkout_session_id" = l."stripe_checkout_session_id"
    AND p."stripe_invoice_id" IS NULL;
