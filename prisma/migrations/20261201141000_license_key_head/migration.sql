-- The console's key search also finds a license by the start of its key (prefix
-- and first group), looked up by a keyed hash like the full key. Existing rows are
-- filled in by the application at start (lib/licensing/key-heads.ts): the HMAC key
-- never reaches the database.

-- AlterTable
ALTER TABLE "licenses" ADD COLUMN "key_head_hash" TEXT;

-- CreateIndex
CREATE INDEX "licenses_key_head_hash_idx" ON "licenses"("key_head_hash");
