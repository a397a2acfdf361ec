-- The dashboard's "licenses by status" and "machines in use" per day, without
-- counting the whole licenses and machines tables on every view (issue 16: 8–20 s
-- at 10⁶ licenses). The database keeps the counts itself: statement-level triggers
-- with transition tables (linear in the rows a statement changed, however many)
-- append one signed delta row per group a statement changed; nothing is updated
-- in place, so concurrent writers never wait for each other on a counter row.
-- lib/admin/dashboard-counters.ts sums the deltas and folds them every few
-- minutes (a pg-boss schedule), so a read sums a few thousand rows.
-- Written by triggers rather than by the write paths so that no writer (console,
-- admin API, Stripe webhooks, jobs, imports, psql) can be missed.

-- Licenses by stored status and UTC day of expires_at (NULL: never expires). A day
-- rather than the instant: the dashboard's EXPIRED (an ACTIVE license past
-- expires_at) is then exact from the days before today plus an indexed count of
-- today's licenses only.
CREATE TABLE "license_counts" (
    "id" BIGSERIAL NOT NULL,
    "status" "LicenseStatus" NOT NULL,
    "expires_on" DATE,
    "n" BIGINT NOT NULL,
    CONSTRAINT "license_counts_pkey" PRIMARY KEY ("id")
);

-- Machines activated and deactivated per UTC day: machines in use at the end of a
-- day = activations so far − deactivations so far.
CREATE TABLE "machine_day_counts" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "activated" BIGINT NOT NULL,
    "deactivated" BIGINT NOT NULL,
    CONSTRAINT "machine_day_counts_pkey" PRIMARY KEY ("id")
);

-- Seats held now (floating machines past their heartbeat hold none, no license more
-- than its seats): depends on the clock and on every license's seats, so it is
-- counted by the same schedule and shown with the time it was counted.
CREATE TABLE "seat_snapshots" (
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "seats" BIGINT NOT NULL,
    CONSTRAINT "seat_snapshots_pkey" PRIMARY KEY ("taken_at")
);

CREATE FUNCTION license_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO license_counts (status, expires_on, n)
    SELECT status, (expires_at AT TIME ZONE 'UTC')::date, count(*) FROM new_rows GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO license_counts (status, expires_on, n)
    SELECT status, (expires_at AT TIME ZONE 'UTC')::date, -count(*) FROM old_rows GROUP BY 1, 2;
  ELSE
    -- Old rows count −1, new rows +1; groups that net to zero (an update that moved
    -- neither status nor expiry day: most updates) write nothing.
    INSERT INTO license_counts (status, expires_on, n)
    SELECT status, expires_on, sum(n)::bigint FROM (
      SELECT status, (expires_at AT TIME ZONE 'UTC')::date AS expires_on, -1 AS n FROM old_rows
      UNION ALL
      SELECT status, (expires_at AT TIME ZONE 'UTC')::date, 1 FROM new_rows
    ) AS change GROUP BY 1, 2 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER license_counts_insert AFTER INSERT ON licenses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION license_counts_changed();
CREATE TRIGGER license_counts_update AFTER UPDATE ON licenses
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION license_counts_changed();
CREATE TRIGGER license_counts_delete AFTER DELETE ON licenses
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION license_counts_changed();

-- Each machine: +1 activation on its activation day and +1 deactivation on its
-- deactivation day (if any); the old version of an updated or deleted row counts
-- the same with −1, so an update that moved neither day (a heartbeat, last_seen_at:
-- most updates) nets to zero and writes nothing.
CREATE FUNCTION machine_day_deltas(rows_sign int, activated_at timestamptz, deactivated_at timestamptz)
  RETURNS TABLE (day date, activated int, deactivated int) LANGUAGE sql IMMUTABLE AS $$
  SELECT (activated_at AT TIME ZONE 'UTC')::date, rows_sign, 0
  UNION ALL
  SELECT (deactivated_at AT TIME ZONE 'UTC')::date, 0, rows_sign WHERE deactivated_at IS NOT NULL
$$;

CREATE FUNCTION machine_day_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO machine_day_counts (day, activated, deactivated)
    SELECT d.day, sum(d.activated), sum(d.deactivated) FROM new_rows r, machine_day_deltas(1, r.activated_at, r.deactivated_at) d
    GROUP BY d.day;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO machine_day_counts (day, activated, deactivated)
    SELECT d.day, sum(d.activated), sum(d.deactivated) FROM old_rows r, machine_day_deltas(-1, r.activated_at, r.deactivated_at) d
    GROUP BY d.day;
  ELSE
    INSERT INTO machine_day_counts (day, activated, deactivated)
    SELECT d.day, sum(d.activated), sum(d.deactivated) FROM (
      SELECT d.* FROM old_rows r, machine_day_deltas(-1, r.activated_at, r.deactivated_at) d
      UNION ALL
      SELECT d.* FROM new_rows r, machine_day_deltas(1, r.activated_at, r.deactivated_at) d
    ) AS d GROUP BY d.day HAVING sum(d.activated) <> 0 OR sum(d.deactivated) <> 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER machine_day_counts_insert AFTER INSERT ON machines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION machine_day_counts_changed();
CREATE TRIGGER machine_day_counts_update AFTER UPDATE ON machines
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION machine_day_counts_changed();
CREATE TRIGGER machine_day_counts_delete AFTER DELETE ON machines
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION machine_day_counts_changed();

-- TRUNCATE has no transition tables: it empties the counts with the table.
CREATE FUNCTION license_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM license_counts;
  RETURN NULL;
END $$;
CREATE FUNCTION machine_day_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM machine_day_counts;
  RETURN NULL;
END $$;
CREATE TRIGGER license_counts_truncate AFTER TRUNCATE ON licenses FOR EACH STATEMENT EXECUTE FUNCTION license_counts_truncated();
CREATE TRIGGER machine_day_counts_truncate AFTER TRUNCATE ON machines FOR EACH STATEMENT EXECUTE FUNCTION machine_day_counts_truncated();

-- The counts of the rows already there. The triggers above were created first in
-- this transaction and hold their table's lock until it commits, so no change is
-- both counted here and by a trigger, nor missed by both.
INSERT INTO license_counts (status, expires_on, n)
SELECT status, (expires_at AT TIME ZONE 'UTC')::date, count(*) FROM licenses GROUP BY 1, 2;
INSERT INTO machine_day_counts (day, activated, deactivated)
SELECT d.day, sum(d.activated), sum(d.deactivated) FROM machines r, machine_day_deltas(1, r.activated_at, r.deactivated_at) d
GROUP BY d.day;
