-- The minutely rescue of lost jobs (lib/email/outbox.ts rescueStuckEmails) looks for PENDING emails
-- overdue by two minutes. Without an index on next_attempt_at it read every PENDING email and
-- filtered: all of them during an SMTP outage, when thousands wait for a retry hours ahead. This
-- index makes it read only the overdue ones, as webhook_deliveries(status, next_attempt_at) does for
-- deliveries (lib/jobs/rescue.test.ts counts the rows a quiet minute reads).
CREATE INDEX "email_messages_status_next_attempt_at_idx" ON "email_messages"("status", "next_attempt_at");
