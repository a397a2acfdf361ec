-- Refunded amounts are bigint like payments.amount_cents (migration 20261202110000): a refund of a
-- payment past int4 (a large JPY or IDR charge) would fail the charge.refunded webhook.
ALTER TABLE "payments" ALTER COLUMN "amount_refunded_cents" SET DATA TYPE BIGINT;
ALTER TABLE "payment_refunds" ALTER COLUMN "amount_cents" SET DATA TYPE BIGINT;
ALTER TABLE "payments" ALTER COLUMN "amount_refunded_cents" SET DEFAULT '0'::bigint;
