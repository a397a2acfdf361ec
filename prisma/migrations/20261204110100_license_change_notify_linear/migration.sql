-- The license-change notifications (migration 20261202160000) paired each
-- statement's old and new rows with a join on id. Transition tables have no
-- index and no statistics, and with the LIMIT the planner picked a nested loop:
-- quadratic in the rows a statement updated (20,000 licenses' last_validated_at
-- took 8 s at 10⁶ licenses, an 85,000-row update over 16 minutes). EXCEPT
-- compares whole rows by hashing or sorting, linear-ish whatever the plan, and
-- keeps IS DISTINCT FROM's meaning (NULLs compare equal). Same payloads as before.

CREATE OR REPLACE FUNCTION licenses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    -- Ids never change, so an (id, columns) pair in the new rows but not in the old is a changed license.
    PERFORM license_changes_notify_ids(ARRAY(
      SELECT id FROM (
        SELECT id, key_hash, status, expires_at, max_machines, plan_id, trial FROM new_rows
        EXCEPT
        SELECT id, key_hash, status, expires_at, max_machines, plan_id, trial FROM old_rows
      ) AS changed LIMIT 101));
  ELSE
    PERFORM license_changes_notify_ids(ARRAY(SELECT id FROM old_rows LIMIT 101));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION machines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM license_changes_notify_ids(ARRAY(SELECT license_id FROM new_rows LIMIT 101));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM license_changes_notify_ids(ARRAY(SELECT license_id FROM old_rows LIMIT 101));
  ELSE
    -- A machine moved to another license (a transfer) changes both: the old version's
    -- license from the rows only in old_rows, the new one's from those only in new_rows.
    PERFORM license_changes_notify_ids(ARRAY(
      SELECT license_id FROM (
        (SELECT id, license_id, fingerprint, name, platform, hostname, activated_at, heartbeat_deadline, deactivated_at FROM old_rows
         EXCEPT
         SELECT id, license_id, fingerprint, name, platform, hostname, activated_at, heartbeat_deadline, deactivated_at FROM new_rows)
        UNION ALL
        (SELECT id, license_id, fingerprint, name, platform, hostname, activated_at, heartbeat_deadline, deactivated_at FROM new_rows
         EXCEPT
         SELECT id, license_id, fingerprint, name, platform, hostname, activated_at, heartbeat_deadline, deactivated_at FROM old_rows)
      ) AS changed LIMIT 101));
  END IF;
  RETURN NULL;
END $$;
