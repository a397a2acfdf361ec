-- The admin lists filtered by status or plan, newest first, with 10⁶ licenses
-- (issue 16: ?status=SUSPENDED took 5.1 s, ?plan= 2.0 s): with these,
-- PostgreSQL reads the page and the capped count (lib/admin/paging.ts) along
-- one index in list order and stops, instead of sorting every matching row.

-- CreateIndex
CREATE INDEX "licenses_status_created_at_id_idx" ON "licenses"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "licenses_plan_id_created_at_id_idx" ON "licenses"("plan_id", "created_at" DESC, "id" DESC);
