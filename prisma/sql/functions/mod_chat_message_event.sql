-- The domain event a new message stands for: message.created for a visitor's or an agent's
-- public message; the conversation event of a system line (assigned, transferred → assigned,
-- resolved); none for a private note or another system line. The event's data is built from the
-- stored message by the dispatcher (events/dispatcher.ts).

CREATE OR REPLACE FUNCTION "mod_chat_message_event"(p_sender_type text, p_private boolean, p_metadata jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE
    WHEN p_private THEN NULL
    WHEN p_sender_type <> 'system' THEN 'message.created'
    WHEN p_metadata ->> 'event' IN ('assigned', 'transferred') THEN 'conversation.assigned'
    WHEN p_metadata ->> 'event' = 'resolved' THEN 'conversation.resolved'
  END;
