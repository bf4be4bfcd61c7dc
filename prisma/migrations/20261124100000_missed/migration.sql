-- Missed conversations: a live conversation still without an agent's first reply
-- `missed_after_minutes` after it started is marked missed (once).
ALTER TABLE "sites" ADD COLUMN "missed_after_minutes" INTEGER NOT NULL DEFAULT 10;
ALTER TABLE "mod_chat_conversations" ADD COLUMN "missed_at" TIMESTAMPTZ(3);

-- The sweep's candidates: waiting, never answered, not yet missed, not offline messages.
CREATE INDEX "mod_chat_conversations_waiting_unanswered_idx"
  ON "mod_chat_conversations" ("site_id", "first_message_at")
  WHERE "first_response_at" IS NULL AND "missed_at" IS NULL AND NOT "is_offline";
