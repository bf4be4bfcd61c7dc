-- The inbox's activity copy to the second. mod_chat_conversation_activity (20261126000000_send_path)
-- kept each conversation's last activity to the millisecond, so every message rewrote its activity
-- row: a call of the trigger's function, a new row version and an entry in each of the table's
-- three indexes, per message. In the throughput bench (25 busy conversations) that copying cost a
-- fifth of the messages per second (5.4-5.5k msg/s with it, 6.5-6.8k with the trigger switched off).
--
-- The copy now holds the last activity truncated to the second, and is written only when that
-- second or the status changes: a busy conversation's row is rewritten at most once a second, and
-- the trigger's WHEN clause (evaluated without calling the function) skips the rest. The inbox's
-- order does not change: its query takes the order to the second, and where a page starts, from
-- this table's indexes, and orders the conversations that share a second by their own last
-- activity (see conversationIds in packages/server/src/history/filters.ts).
CREATE OR REPLACE FUNCTION "mod_chat_conversation_activity_insert"() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    INSERT INTO mod_chat_conversation_activity (site_id, conversation_id, status, last_activity_at)
      SELECT n.site_id, n.id, n.status, date_trunc('second', n.last_activity_at) FROM new_rows n;
    RETURN NULL;
  END
  $$;

CREATE OR REPLACE FUNCTION "mod_chat_conversation_activity_update"() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    UPDATE mod_chat_conversation_activity SET status = NEW.status, last_activity_at = date_trunc('second', NEW.last_activity_at)
      WHERE site_id = NEW.site_id AND conversation_id = NEW.id;
    RETURN NULL;
  END
  $$;

-- (date_trunc to the second gives the same instant whatever the session's time zone: offsets are
-- whole seconds, and below an hour it keeps the value's own offset.)
DROP TRIGGER "mod_chat_conversation_activity_update" ON "mod_chat_conversations";
CREATE TRIGGER "mod_chat_conversation_activity_update" AFTER UPDATE OF "status", "last_activity_at" ON "mod_chat_conversations"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR date_trunc('second', OLD.last_activity_at) IS DISTINCT FROM date_trunc('second', NEW.last_activity_at))
  EXECUTE FUNCTION "mod_chat_conversation_activity_update"();

UPDATE "mod_chat_conversation_activity" SET last_activity_at = date_trunc('second', last_activity_at)
  WHERE last_activity_at <> date_trunc('second', last_activity_at);
