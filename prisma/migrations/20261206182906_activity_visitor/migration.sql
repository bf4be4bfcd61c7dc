-- DropIndex
DROP INDEX "mod_chat_contact_attribute_values_attribute_id_bool_value_v_idx";

-- DropIndex
DROP INDEX "mod_chat_contact_attribute_values_attribute_id_date_value_v_idx";

-- DropIndex
DROP INDEX "mod_chat_contact_attribute_values_attribute_id_number_value_idx";

-- DropIndex
DROP INDEX "mod_chat_contact_attribute_values_attribute_id_text_value_v_idx";

-- The inbox's order table carries the conversation's visitor: filtered on a contact attribute, the
-- inbox goes from the matching contacts to their activity rows (index-only) and reads only the
-- page's conversations. The attribute values' indexes lead with the site, so that row-level
-- security's check needs no heap fetch either.
-- AlterTable
ALTER TABLE "mod_chat_conversation_activity" ADD COLUMN     "visitor_id" UUID;

-- Existing conversations' visitors (the triggers below keep them from now on).
UPDATE "mod_chat_conversation_activity" a SET "visitor_id" = c."visitor_id"
  FROM "mod_chat_conversations" c WHERE c."site_id" = a."site_id" AND c."id" = a."conversation_id";

ALTER TABLE "mod_chat_conversation_activity" ALTER COLUMN "visitor_id" SET NOT NULL;

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_site_id_attribute_id_text_idx" ON "mod_chat_contact_attribute_values"("site_id", "attribute_id", "text_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_site_id_attribute_id_numb_idx" ON "mod_chat_contact_attribute_values"("site_id", "attribute_id", "number_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_site_id_attribute_id_date_idx" ON "mod_chat_contact_attribute_values"("site_id", "attribute_id", "date_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_site_id_attribute_id_bool_idx" ON "mod_chat_contact_attribute_values"("site_id", "attribute_id", "bool_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_conversation_activity_site_id_visitor_id_last_acti_idx" ON "mod_chat_conversation_activity"("site_id", "visitor_id", "last_activity_at" DESC, "status", "team_id", "assigned_agent_id", "conversation_id");

-- From prisma/sql/triggers/mod_chat_conversation_activity_insert.sql
-- The inbox's order table, mod_chat_conversation_activity, gets a row for every new conversation
-- (once per statement: a bulk insert copies its rows in one go), its last activity truncated to the
-- second, its team, its agent and its visitor. The app reads that table, never writes it.

CREATE OR REPLACE FUNCTION "mod_chat_conversation_activity_insert"() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    INSERT INTO mod_chat_conversation_activity (site_id, conversation_id, status, last_activity_at, team_id, assigned_agent_id, visitor_id)
      SELECT n.site_id, n.id, n.status, date_trunc('second', n.last_activity_at), n.team_id, n.assigned_agent_id, n.visitor_id FROM new_rows n;
    RETURN NULL;
  END
  $$;

DROP TRIGGER IF EXISTS "mod_chat_conversation_activity_insert" ON "mod_chat_conversations";
CREATE TRIGGER "mod_chat_conversation_activity_insert" AFTER INSERT ON "mod_chat_conversations"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mod_chat_conversation_activity_insert"();

-- From prisma/sql/triggers/mod_chat_conversation_activity_update.sql
-- mod_chat_conversation_activity follows its conversation's status, last activity (to the second),
-- team, agent and visitor (a merge of contacts moves conversations): per row, and only when one of them changes (the WHEN clause skips the rest without
-- calling the function), so a busy conversation's row is rewritten at most once a second.

CREATE OR REPLACE FUNCTION "mod_chat_conversation_activity_update"() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    UPDATE mod_chat_conversation_activity SET status = NEW.status, last_activity_at = date_trunc('second', NEW.last_activity_at), team_id = NEW.team_id, assigned_agent_id = NEW.assigned_agent_id, visitor_id = NEW.visitor_id
      WHERE site_id = NEW.site_id AND conversation_id = NEW.id;
    RETURN NULL;
  END
  $$;

DROP TRIGGER IF EXISTS "mod_chat_conversation_activity_update" ON "mod_chat_conversations";
CREATE TRIGGER "mod_chat_conversation_activity_update" AFTER UPDATE OF "status", "last_activity_at", "team_id", "assigned_agent_id", "visitor_id" ON "mod_chat_conversations"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR date_trunc('second', OLD.last_activity_at) IS DISTINCT FROM date_trunc('second', NEW.last_activity_at)
    OR OLD.team_id IS DISTINCT FROM NEW.team_id
    OR OLD.assigned_agent_id IS DISTINCT FROM NEW.assigned_agent_id
    OR OLD.visitor_id IS DISTINCT FROM NEW.visitor_id)
  EXECUTE FUNCTION "mod_chat_conversation_activity_update"();
