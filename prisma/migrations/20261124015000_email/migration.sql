-- Email to absent visitors: agents' replies are batched into one email per conversation.
-- visitor_emailed_seq is the watermark: the highest seq already emailed to the visitor, so a
-- restart or a second process never mails the same message twice.
-- AlterTable
ALTER TABLE "mod_chat_conversations" ADD COLUMN     "visitor_emailed_seq" INTEGER NOT NULL DEFAULT 0;

-- ---------------------------------------------------------------------------
-- One pending reply email per conversation, due when the batching window ends. Every server
-- process sweeps this table (FOR UPDATE SKIP LOCKED), so it holds only ids and a due time and
-- is not site-scoped: the email itself is built in the site's own transaction.
-- ---------------------------------------------------------------------------
-- CreateTable
CREATE TABLE "mod_chat_email_jobs" (
    "conversation_id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mod_chat_email_jobs_pkey" PRIMARY KEY ("conversation_id")
);

-- CreateIndex
CREATE INDEX "mod_chat_email_jobs_due_at_idx" ON "mod_chat_email_jobs"("due_at");

-- AddForeignKey
ALTER TABLE "mod_chat_email_jobs" ADD CONSTRAINT "mod_chat_email_jobs_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "mod_chat_conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Grants: see 20261123232101_uploads_offline_holidays.
GRANT SELECT, INSERT, UPDATE, DELETE ON "mod_chat_email_jobs" TO live_chat_app;
