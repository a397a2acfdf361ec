-- Stripe amounts are in minor units up to 12 digits (e.g. a large IDR or JPY
-- payment), past int4's 2,147,483,647: such a payment failed the webhook with a
-- 500 and was never recorded (issue 11). bigint holds every amount Stripe sends.
ALTER TABLE "payments" ALTER COLUMN "amount_cents" SET DATA TYPE BIGINT;
