-- AlterTable
ALTER TABLE "mod_chat_conversations" ADD COLUMN     "last_rev" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "mod_chat_messages" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "edited_at" TIMESTAMPTZ(3),
ADD COLUMN     "rev" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "mod_chat_widget_settings" ADD COLUMN     "edit_window_seconds" INTEGER NOT NULL DEFAULT 900;

-- CreateTable
CREATE TABLE "mod_chat_message_edits" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "content" TEXT,
    "editor_type" TEXT NOT NULL,
    "editor_id" UUID,
    "editor_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_message_edits_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mod_chat_message_edits_site_id_message_id_created_at_idx" ON "mod_chat_message_edits"("site_id", "message_id", "created_at");

-- CreateIndex
CREATE INDEX "mod_chat_messages_conversation_id_rev_idx" ON "mod_chat_messages"("conversation_id", "rev");

-- AddForeignKey
ALTER TABLE "mod_chat_message_edits" ADD CONSTRAINT "mod_chat_message_edits_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_message_edits" ADD CONSTRAINT "mod_chat_message_edits_site_id_message_id_fkey" FOREIGN KEY ("site_id", "message_id") REFERENCES "mod_chat_messages"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- From prisma/sql/functions/mod_chat_message_page.sql
-- A page of a conversation's messages in one statement (history hot path): pinned to the site and,
-- for a visitor, to that visitor, whose page never holds private notes.

CREATE OR REPLACE FUNCTION "mod_chat_message_page"(
  p_site uuid, p_conversation uuid, p_visitor uuid, p_after integer, p_before integer, p_limit integer
) RETURNS TABLE (
  "id" uuid, "conversationId" uuid, "seq" integer, "clientId" text, "senderType" text, "senderId" uuid,
  "senderName" text, "messageType" text, "content" text, "attachments" jsonb, "metadata" jsonb,
  "isPrivate" boolean, "createdAt" timestamptz,
  "editedAt" timestamptz, "deletedAt" timestamptz, "rev" integer
)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF NOT EXISTS (
      SELECT 1 FROM mod_chat_conversations c
      WHERE c.id = p_conversation AND c.site_id = p_site AND (p_visitor IS NULL OR c.visitor_id = p_visitor)
    ) THEN
      RETURN;
    END IF;
    IF p_after IS NOT NULL THEN
      RETURN QUERY
        SELECT m.id, m.conversation_id, m.seq, m.client_id, m.sender_type, m.sender_id, m.sender_name, m.message_type,
               m.content, m.attachments, m.metadata, m.is_private, m.created_at,
               m.edited_at, m.deleted_at, m.rev
        FROM mod_chat_messages m
        WHERE m.conversation_id = p_conversation AND m.seq > p_after AND (p_visitor IS NULL OR NOT m.is_private)
        ORDER BY m.seq ASC LIMIT p_limit;
    ELSE
      RETURN QUERY
        SELECT m.id, m.conversation_id, m.seq, m.client_id, m.sender_type, m.sender_id, m.sender_name, m.message_type,
               m.content, m.attachments, m.metadata, m.is_private, m.created_at,
               m.edited_at, m.deleted_at, m.rev
        FROM mod_chat_messages m
        WHERE m.conversation_id = p_conversation AND (p_before IS NULL OR m.seq < p_before) AND (p_visitor IS NULL OR NOT m.is_private)
        ORDER BY m.seq DESC LIMIT p_limit;
    END IF;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_message_page"(uuid, uuid, uuid, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_message_page"(uuid, uuid, uuid, integer, integer, integer) TO live_chat_app;

-- From prisma/sql/policies/mod_chat_message_edits.sql
-- Row-level security of mod_chat_message_edits.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_message_edits" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_message_edits";
CREATE POLICY "site_isolation" ON "mod_chat_message_edits" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- Enumerated text column.
ALTER TABLE "mod_chat_message_edits" ADD CONSTRAINT "mod_chat_message_edits_editor_type_check" CHECK ("editor_type" IN ('visitor', 'agent'));
