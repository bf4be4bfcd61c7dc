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
