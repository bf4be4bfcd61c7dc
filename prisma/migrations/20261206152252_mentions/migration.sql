-- CreateTable
CREATE TABLE "mod_chat_mentions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,
    "by_agent_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    "emailed_at" TIMESTAMPTZ(3),

    CONSTRAINT "mod_chat_mentions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mod_chat_mentions_site_id_agent_id_read_at_created_at_idx" ON "mod_chat_mentions"("site_id", "agent_id", "read_at", "created_at");

-- CreateIndex
CREATE INDEX "mod_chat_mentions_conversation_id_idx" ON "mod_chat_mentions"("conversation_id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_mentions_message_id_agent_id_key" ON "mod_chat_mentions"("message_id", "agent_id");

-- AddForeignKey
ALTER TABLE "mod_chat_mentions" ADD CONSTRAINT "mod_chat_mentions_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_mentions" ADD CONSTRAINT "mod_chat_mentions_site_id_conversation_id_fkey" FOREIGN KEY ("site_id", "conversation_id") REFERENCES "mod_chat_conversations"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_mentions" ADD CONSTRAINT "mod_chat_mentions_site_id_message_id_fkey" FOREIGN KEY ("site_id", "message_id") REFERENCES "mod_chat_messages"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_mentions" ADD CONSTRAINT "mod_chat_mentions_site_id_agent_id_fkey" FOREIGN KEY ("site_id", "agent_id") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_mentions" ADD CONSTRAINT "mod_chat_mentions_site_id_by_agent_id_fkey" FOREIGN KEY ("site_id", "by_agent_id") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CHECK constraints: a mention's kind; the supervisor role; the mention email job.
ALTER TABLE "mod_chat_mentions" ADD CONSTRAINT "mod_chat_mentions_kind_check" CHECK ("kind" IN ('mention', 'whisper'));
ALTER TABLE "mod_chat_agents" DROP CONSTRAINT "mod_chat_agents_role_check",
  ADD CONSTRAINT "mod_chat_agents_role_check" CHECK ("role" IN ('admin', 'agent', 'supervisor'));
ALTER TABLE "mod_chat_email_jobs" DROP CONSTRAINT "mod_chat_email_jobs_kind_check",
  ADD CONSTRAINT "mod_chat_email_jobs_kind_check" CHECK ("kind" IN ('reply', 'offline', 'mention'));

-- From prisma/sql/policies/mod_chat_mentions.sql
-- Row-level security of mod_chat_mentions.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_mentions" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_mentions";
CREATE POLICY "site_isolation" ON "mod_chat_mentions" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);
