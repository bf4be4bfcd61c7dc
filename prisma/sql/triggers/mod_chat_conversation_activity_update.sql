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
