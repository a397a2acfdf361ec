-- TRUNCATE fires no row or UPDATE/DELETE statement trigger, so the license-change
-- notifications (migration 20261202160000) missed it: an instance's license cache
-- kept answering from licenses or machines that were gone, until its backstop
-- re-read (lib/licensing/license-cache.ts). A truncation forgets every cache
-- entry, as a catalog change does (catalog_changed() sends '*').
CREATE TRIGGER licenses_truncated AFTER TRUNCATE ON licenses
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER machines_truncated AFTER TRUNCATE ON machines
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER plans_truncated AFTER TRUNCATE ON plans
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER products_truncated AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
