-- Whether a conversation waits in its site's queue: pending, nobody assigned, not an offline
-- message, not answered yet. The one statement of the rule: the queue's positions and "has this
-- visitor a conversation waiting" (queue/service.ts WAITS), a visitor's handshake
-- (mod_chat_visitor_connected) and the count of /metrics (mod_chat_queue_lengths). A plain
-- expression in SQL, IMMUTABLE and not STRICT: the planner inlines it where it is called, so a
-- query using it plans as if the expression were written there.

CREATE OR REPLACE FUNCTION "mod_chat_conversation_waits"(p_status text, p_assigned uuid, p_offline boolean, p_first_response timestamptz)
  RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT p_status = 'pending' AND p_assigned IS NULL AND NOT p_offline AND p_first_response IS NULL $$;
