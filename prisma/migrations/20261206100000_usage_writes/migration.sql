-- The usage job's writes, made cheaper (issue 16: validate's CPU per request).
--
-- 1. licenses.last_validated_at goes. The usage job rewrote it once a minute
--    for every license being validated, and nothing read it: the console shows
--    a license's answers (validation_events) and its machines' last-seen
--    times instead. Each such write was a non-HOT update of the widest table
--    (17 indexes, three statement triggers with transition tables) and
--    cleared the visibility-map bit of its page, which the admin lists'
--    index-only scans rely on (see 20261205150000_licenses_autovacuum).
--    Measured by applying one hand-off of 10⁴ licenses validated twice each
--    (PostgreSQL CPU per validation): 74 µs with it, 37 µs without.
--
-- 2. machines (last_seen_at, once a minute per machine in use) and usage_daily
--    (the counters, every hand-off) leave 15 % of each page free, so those
--    updates, which change no indexed column, can stay on their page (HOT
--    updates: no new index entries). Measured the same way: machines 12–17 µs
--    → 9–10 µs, usage_daily about 10 µs → 5 µs. Applies to pages written from
--    now on.
ALTER TABLE "licenses" DROP COLUMN "last_validated_at";
ALTER TABLE "machines" SET (fillfactor = 85);
ALTER TABLE "usage_daily" SET (fillfactor = 85);
