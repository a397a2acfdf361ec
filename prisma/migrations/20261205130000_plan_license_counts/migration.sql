-- Licenses per plan without counting the licenses table on every view of the
-- console's products, product and plan pages (issue 16: 333 ms p95 at 10⁶
-- licenses on one plan, and linear in the plan's licenses). Kept the way the
-- dashboard's counts are (migration 20261204110000): statement-level triggers
-- with transition tables append one signed delta per plan a statement changed,
-- in the changing transaction, so a read of the sums sees exactly the committed
-- licenses; lib/admin/dashboard-counters.ts folds the deltas with the others.
CREATE TABLE "plan_license_counts" (
    "id" BIGSERIAL NOT NULL,
    "plan_id" UUID NOT NULL,
    "n" BIGINT NOT NULL,
    CONSTRAINT "plan_license_counts_pkey" PRIMARY KEY ("id")
);

-- A plan's page sums its own rows only.
CREATE INDEX "plan_license_counts_plan_id_idx" ON "plan_license_counts"("plan_id");

CREATE FUNCTION plan_license_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO plan_license_counts (plan_id, n) SELECT plan_id, count(*) FROM new_rows GROUP BY 1;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO plan_license_counts (plan_id, n) SELECT plan_id, -count(*) FROM old_rows GROUP BY 1;
  ELSE
    -- Only a change of plan nets to anything; every other update writes nothing.
    INSERT INTO plan_license_counts (plan_id, n)
    SELECT plan_id, sum(n)::bigint FROM (
      SELECT plan_id, -1 AS n FROM old_rows
      UNION ALL
      SELECT plan_id, 1 FROM new_rows
    ) AS change GROUP BY 1 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER plan_license_counts_insert AFTER INSERT ON licenses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_license_counts_changed();
CREATE TRIGGER plan_license_counts_update AFTER UPDATE ON licenses
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_license_counts_changed();
CREATE TRIGGER plan_license_counts_delete AFTER DELETE ON licenses
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_license_counts_changed();

CREATE FUNCTION plan_license_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM plan_license_counts;
  RETURN NULL;
END $$;
CREATE TRIGGER plan_license_counts_truncate AFTER TRUNCATE ON licenses FOR EACH STATEMENT EXECUTE FUNCTION plan_license_counts_truncated();

-- The counts of the licenses already there: the triggers above were created first
-- in this transaction and hold the table's lock until it commits, so no license is
-- both counted here and by a trigger, nor missed by both.
INSERT INTO plan_license_counts (plan_id, n) SELECT plan_id, count(*) FROM licenses GROUP BY 1;
