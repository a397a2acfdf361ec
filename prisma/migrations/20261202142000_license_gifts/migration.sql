-- Customers give a license to someone else (issue 14): the owner names an
-- address, the receiver confirms from an emailed link while signed in as that
-- address. Only a SHA-256 of the link's token is stored.

-- CreateTable
CREATE TABLE "license_gifts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "license_id" UUID NOT NULL,
    "from_user_id" UUID NOT NULL,
    "to_email" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "license_gifts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "license_gifts_token_hash_key" ON "license_gifts"("token_hash");
CREATE INDEX "license_gifts_license_id_idx" ON "license_gifts"("license_id");
CREATE INDEX "license_gifts_from_user_id_idx" ON "license_gifts"("from_user_id");

-- AddForeignKey
ALTER TABLE "license_gifts" ADD CONSTRAINT "license_gifts_license_id_fkey" FOREIGN KEY ("license_id") REFERENCES "licenses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "license_gifts" ADD CONSTRAINT "license_gifts_from_user_id_fkey" FOREIGN KEY ("from_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
