-- Usage counted in an instance's memory, handed to the job engine every few
-- seconds (lib/analytics/usage-recorder.ts): one row per hand-off, deleted by
-- the job that adds it to usage_daily, in that job's transaction, so a batch
-- counts exactly once however often its job runs and whichever instance runs it.
CREATE TABLE "usage_batches" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_batches_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "usage_batches_created_at_idx" ON "usage_batches"("created_at");
