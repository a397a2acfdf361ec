-- The reminder run (lib/lifecycle/reminders.ts) takes the due licenses 100 at a time in
-- (expires_at, id) order, each batch starting after the last row of the one before, so that the
-- licenses already reminded in its window are read once per run rather than once per batch. With
-- an index on expires_at alone, PostgreSQL sorted each batch's candidates by id, reading every
-- remaining due license in each batch (n²/200 rows for n due); in (expires_at, id) order a batch
-- stops after its 100. The index replaces licenses_expires_at_idx: every query that read that one
-- reads a prefix of this one.
--
-- Like every index migration here, the build runs inside the migration's transaction and blocks
-- writes to licenses meanwhile (seconds at 10⁶ rows).
CREATE INDEX "licenses_expires_at_id_idx" ON "licenses"("expires_at", "id");
DROP INDEX "licenses_expires_at_idx";
