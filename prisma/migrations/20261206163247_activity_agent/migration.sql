-- The inbox's order table carries the conversation's agent too: "mine" (or one agent's
-- conversations) walks that agent's own index instead of filtering the site's.
-- AlterTable
ALTER TABLE "mod_chat_conversation_activity" ADD COLUMN     "assigned_agent_id" UUID;

-- Existing conversations' agents (the triggers below keep them from now on).
UPDATE "mod_chat_conversation_activity" a SET "assigned_agent_id" = c."assigned_agent_id"
  FROM "mod_chat_conversations" c WHERE c."site_id" = a."site_id" AND c."id" = a."conversation_id" AND c."assigned_agent_id" IS NOT NULL;

-- CreateIndex
CREATE INDEX "mod_chat_conversation_activity_site_id_assigned_agent_id_la_idx" ON "mod_chat_conversation_activity"("site_id", "assigned_agent_id", "last_activity_at" DESC, "conversation_id");

-- From prisma/sql/triggers/mod_chat_conversation_activity_insert.sql
-- The inbox's order table, mod_chat_conversation_activity, gets a row for every new conversation
-- (once per statement: a bulk insert copies its rows in one go), its last activity truncated to the
-- second, its team and its agent. The app reads that table, never writes it.

CREATE OR REPLACE FUNCTION "mod_chat_conversation_activity_insert"() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    INSERT INTO mod_chat_conversation_activity (site_id, conversation_id, status, last_activity_at, team_id, assigned_agent_id)
      SELECT n.site_id, n.id, n.status, date_trunc('second', n.last_activity_at), n.team_id, n.assigned_agent_id FROM new_rows n;
    RETURN NULL;
  END
  $$;

DROP TRIGGER IF EXISTS "mod_chat_conversation_activity_insert" ON "mod_chat_conversations";
CREATE TRIGGER "mod_chat_conversation_activity_insert" AFTER INSERT ON "mod_chat_conversations"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mod_chat_conversation_activity_insert"();

-- From prisma/sql/triggers/mod_chat_conversation_activity_update.sql
-- mod_chat_conversation_activity follows its conversation's status, last activity (to the second),
-- team and agent: per row, and only when one of them changes (the WHEN clause skips the rest without
-- calling the function), so a busy conversation's row is rewritten at most once a second.

CREATE OR REPLACE FUNCTION "mod_chat_conversation_activity_update"() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    UPDATE mod_chat_conversation_activity SET status = NEW.status, last_activity_at = date_trunc('second', NEW.last_activity_at), team_id = NEW.team_id, assigned_agent_id = NEW.assigned_agent_id
      WHERE site_id = NEW.site_id AND conversation_id = NEW.id;
    RETURN NULL;
  END
  $$;

DROP TRIGGER IF EXISTS "mod_chat_conversation_activity_update" ON "mod_chat_conversations";
CREATE TRIGGER "mod_chat_conversation_activity_update" AFTER UPDATE OF "status", "last_activity_at", "team_id", "assigned_agent_id" ON "mod_chat_conversations"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR date_trunc('second', OLD.last_activity_at) IS DISTINCT FROM date_trunc('second', NEW.last_activity_at)
    OR OLD.team_id IS DISTINCT FROM NEW.team_id
    OR OLD.assigned_agent_id IS DISTINCT FROM NEW.assigned_agent_id)
  EXECUTE FUNCTION "mod_chat_conversation_activity_update"();
