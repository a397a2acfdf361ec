-- The lifecycle ticks (lib/lifecycle/moments.ts) look for ACTIVE licenses past their expiry and
-- live floating machines past their heartbeat deadline whose event is not yet recorded, 100 at a
-- time. They read the range "due by now" of licenses(expires_at) or (status, expires_at) and of
-- machines(heartbeat_deadline), which also holds every row reported before: an ACTIVE license past
-- its expiry that nobody renewed, a dead floating machine nobody deactivated. Those stay for good,
-- so every tick (each minute, and at each upcoming moment) read all of them, and working off a
-- backlog of n rows read about n²/200. Measured on 10⁶ seeded licenses with 2.7×10⁴ reported and
-- 2.2×10⁴ due: 298 ms per batch, up to 1.2 s while the console was in use.
--
-- Each index below is keyed by the moment still to be reported: the expiry (deadline) while it is
-- not reported, NULL once it is. The ticks' range "moment <= now" never reaches the NULLs, so a
-- tick reads only what it reports (0.1–0.7 ms a batch on the same data). The key is an expression on
-- purpose: a partial index on expires_at WHERE <not reported> was tried first, and the planner,
-- which cannot know that the reported rows are the old ones, priced it the same as the plain
-- indexes and used either. No other index answers a range of this expression.
--
-- lib/lifecycle/moments.ts writes the same expressions; lib/db/schema-drift.test.ts lists these
-- indexes (Prisma's schema cannot declare an expression index).
--
-- Like every index migration here, the build runs inside the migration's transaction and blocks
-- writes to licenses and machines meanwhile (activations, heartbeats): seconds at 10⁶ rows. The
-- updates that write expired_event_for or dead_event_for now also update these indexes (they were
-- HOT before when the page had room); once per license expiry or missed deadline.
CREATE INDEX "licenses_unreported_expiry_idx" ON "licenses"
  ((CASE WHEN expired_event_for IS DISTINCT FROM expires_at THEN expires_at END)) WHERE status = 'ACTIVE';
CREATE INDEX "machines_unreported_deadline_idx" ON "machines"
  ((CASE WHEN dead_event_for IS DISTINCT FROM heartbeat_deadline THEN heartbeat_deadline END)) WHERE deactivated_at IS NULL;
