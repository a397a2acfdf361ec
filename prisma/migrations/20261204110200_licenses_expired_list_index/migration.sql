-- The license lists filtered by EXPIRED (an ACTIVE license past expires_at, or a
-- stored EXPIRED) in list order: an OR across status and expires_at, which no
-- index served in created_at order, so PostgreSQL gathered every match and sorted
-- it (capped count 773 ms at 10⁶ licenses, GET /api/v1/admin/licenses?status=EXPIRED
-- 0.5–1.7 s). With status and expires_at in an index in list order the page and
-- the capped count are index-only scans that filter as they go (74–119 ms).
CREATE INDEX "licenses_created_at_id_status_expires_at_idx" ON "licenses"("created_at" DESC, "id" DESC, "status", "expires_at");
