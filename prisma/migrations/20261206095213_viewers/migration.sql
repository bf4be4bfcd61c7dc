-- CreateTable
CREATE TABLE "mod_chat_viewers" (
    "socket_id" TEXT NOT NULL,
    "site_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_viewers_pkey" PRIMARY KEY ("socket_id","conversation_id")
);

-- CreateIndex
CREATE INDEX "mod_chat_viewers_site_id_conversation_id_idx" ON "mod_chat_viewers"("site_id", "conversation_id");

-- AddForeignKey
ALTER TABLE "mod_chat_viewers" ADD CONSTRAINT "mod_chat_viewers_socket_id_fkey" FOREIGN KEY ("socket_id") REFERENCES "mod_chat_connections"("socket_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_viewers" ADD CONSTRAINT "mod_chat_viewers_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_viewers" ADD CONSTRAINT "mod_chat_viewers_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "mod_chat_conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- From prisma/sql/policies/mod_chat_viewers.sql
-- Row-level security of mod_chat_viewers.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_viewers" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_viewers";
CREATE POLICY "site_isolation" ON "mod_chat_viewers" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);
