-- Idempotency-Key on POST /api/v1/admin/licenses: a retried request answers
-- with the license the first one created instead of issuing a second one.

-- CreateTable
CREATE TABLE "admin_idempotency_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "actor" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_digest" TEXT NOT NULL,
    "license_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_idempotency_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "admin_idempotency_keys_created_at_idx" ON "admin_idempotency_keys"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "admin_idempotency_keys_actor_key_key" ON "admin_idempotency_keys"("actor", "key");

-- AddForeignKey
ALTER TABLE "admin_idempotency_keys" ADD CONSTRAINT "admin_idempotency_keys_license_id_fkey" FOREIGN KEY ("license_id") REFERENCES "licenses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
