-- Every instance keeps an in-process cache of the licenses the license API
-- validates (lib/licensing/license-cache.ts). It must hear of every committed
-- change that a validation reads, whichever instance or tool made it, so the
-- database itself announces them: statement-level triggers send
-- NOTIFY license_changes inside the changing transaction (delivered at its
-- commit, not at all on rollback). A trigger rather than pg_notify in the
-- write paths, so no write path (console, admin API, Stripe webhooks, jobs,
-- psql) can be missed.
--
-- Payload: the changed licenses' ids, comma-separated, or '*' (forget
-- everything) when a statement changed more than 100 of them or changed a
-- plan or product, which many licenses read. Only the columns a validation
-- reads count: the usage counters' last_validated_at writes stay silent.
-- New licenses need no notice (the cache holds found licenses only).

-- `ids` holds at most 101 license ids (callers LIMIT 101): more than 100 is '*'.
CREATE FUNCTION license_changes_notify_ids(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(ids) = 0 THEN
    RETURN;
  ELSIF cardinality(ids) > 100 THEN
    PERFORM pg_notify('license_changes', '*');
  ELSE
    PERFORM pg_notify('license_changes', (SELECT string_agg(DISTINCT id::text, ',') FROM unnest(ids) AS id));
  END IF;
END $$;

CREATE FUNCTION licenses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM license_changes_notify_ids(ARRAY(
      SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE (o.key_hash, o.status, o.expires_at, o.max_machines, o.plan_id, o.trial)
        IS DISTINCT FROM (n.key_hash, n.status, n.expires_at, n.max_machines, n.plan_id, n.trial)
      LIMIT 101));
  ELSE
    PERFORM license_changes_notify_ids(ARRAY(SELECT id FROM old_rows LIMIT 101));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER licenses_changed_update AFTER UPDATE ON licenses
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION licenses_changed();
CREATE TRIGGER licenses_changed_delete AFTER DELETE ON licenses
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION licenses_changed();

-- last_seen_at is left out: the usage counters move it for many machines at
-- once every minute, which would empty the caches every minute; a cached entry
-- is re-read after at most a minute instead (license-cache.ts), which is the
-- precision last_seen_at is kept with anyway.
CREATE FUNCTION machines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM license_changes_notify_ids(ARRAY(SELECT license_id FROM new_rows LIMIT 101));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM license_changes_notify_ids(ARRAY(SELECT license_id FROM old_rows LIMIT 101));
  ELSE
    -- A machine moved to another license (a transfer) changes both.
    PERFORM license_changes_notify_ids(ARRAY(
      SELECT x.id FROM old_rows o JOIN new_rows n ON n.id = o.id,
        LATERAL (VALUES (o.license_id), (n.license_id)) AS x(id)
      WHERE (o.license_id, o.fingerprint, o.name, o.platform, o.hostname, o.activated_at,
             o.heartbeat_deadline, o.deactivated_at)
        IS DISTINCT FROM (n.license_id, n.fingerprint, n.name, n.platform, n.hostname, n.activated_at,
             n.heartbeat_deadline, n.deactivated_at)
      LIMIT 101));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER machines_changed_insert AFTER INSERT ON machines
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION machines_changed();
CREATE TRIGGER machines_changed_update AFTER UPDATE ON machines
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION machines_changed();
CREATE TRIGGER machines_changed_delete AFTER DELETE ON machines
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION machines_changed();

-- Plans and products are read by every license on them: any change forgets the whole cache.
CREATE FUNCTION catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('license_changes', '*');
  RETURN NULL;
END $$;

CREATE TRIGGER plans_changed AFTER UPDATE OR DELETE ON plans
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER products_changed AFTER UPDATE OR DELETE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
