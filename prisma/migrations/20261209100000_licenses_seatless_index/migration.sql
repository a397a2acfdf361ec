-- The seat count (lib/admin/dashboard-counters.ts SEATS_HELD) counts a license whose one machine
-- is live as one seat without reading the license, except for licenses with fewer than one seat.
-- No form or API of the portal writes such a license (each asks for 1 to 10,000 seats), so this
-- index is empty unless a row was written by hand; without it, finding none meant reading the
-- whole licenses table (0.17–0.28 s at 10⁶ licenses). Its predicate is checked on each insert and
-- each update that is not HOT; nothing else. lib/db/schema-drift.test.ts lists it (Prisma's
-- schema cannot declare a partial index).
CREATE INDEX "licenses_seatless_idx" ON "licenses" ("id") WHERE "max_machines" < 1;
