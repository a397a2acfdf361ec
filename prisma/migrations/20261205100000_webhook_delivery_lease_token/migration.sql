-- The identity of the worker attempt holding a delivery's lease. attempting_since
-- says whether the lease is live; lease_token says whose it is, so an attempt that
-- lost its lease (it lapsed while the worker stalled, and another worker took it)
-- cannot record its result over the new holder's, nor give the lease back for it.
ALTER TABLE "webhook_deliveries" ADD COLUMN "lease_token" UUID;
