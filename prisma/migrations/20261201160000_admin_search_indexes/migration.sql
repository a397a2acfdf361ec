-- The console's and the admin API's searches stay fast with a million licenses
-- (issue 16): "email contains" and the admin API's case-insensitive email match
-- are ILIKE on users.email, and the customer search also on users.name, which a
-- B-tree cannot serve; a trigram GIN index serves ILIKE with or without
-- wildcards (pg_trgm is a trusted extension: no superuser needed).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "users_email_trgm_idx" ON "users" USING GIN ("email" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "users_name_trgm_idx" ON "users" USING GIN ("name" gin_trgm_ops);

-- The dashboard counts machines by activation and deactivation day and
-- licenses by status and expiry: with these, index-only scans instead of
-- reading both whole tables.
-- CreateIndex
CREATE INDEX "machines_activated_at_idx" ON "machines"("activated_at");

-- CreateIndex
CREATE INDEX "machines_deactivated_at_idx" ON "machines"("deactivated_at");

-- CreateIndex
CREATE INDEX "licenses_status_expires_at_idx" ON "licenses"("status", "expires_at");

-- The console's customer list is newest first.
-- CreateIndex
CREATE INDEX "users_created_at_idx" ON "users"("created_at");
