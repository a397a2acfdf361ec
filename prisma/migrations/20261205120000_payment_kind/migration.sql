-- What a payment paid for, so the customer's orders tell a renewal from a change of plan or seats
-- (a prorated subscription_update invoice, or a one-off license's upgrade checkout).
-- NULL on rows written before: a checkout's is a purchase, an invoice's a renewal, as shown until now.
ALTER TABLE "payments" ADD COLUMN "kind" TEXT;
ALTER TABLE "payments" ADD CONSTRAINT "payments_kind_check" CHECK ("kind" IN ('purchase', 'renewal', 'change'));
