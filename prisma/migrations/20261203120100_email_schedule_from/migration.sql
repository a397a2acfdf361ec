-- A resend starts a fresh retry schedule without forgetting the attempts
-- already made: `attempts` counts every attempt (what the console's Emails page
-- shows), `schedule_from` is how many had been made when the current schedule
-- started (0, or the count at the last resend).
ALTER TABLE "email_messages" ADD COLUMN "schedule_from" INTEGER NOT NULL DEFAULT 0;
