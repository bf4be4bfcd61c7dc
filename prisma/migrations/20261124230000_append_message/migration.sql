-- The common send in one statement: append a text message to an open conversation (pending or
-- active), move the conversation's counters, and queue its message.created webhooks, atomically.
-- It replaces seven statements in two transactions (lock, look up the clientId, insert, update,
-- then a second transaction for webhooks) on the path every chat message takes; the webhook
-- deliveries now commit with the message, so a crash in between can no longer lose them.
--
-- Anything else returns no row and the caller takes the general path (which explains refusals,
-- reopens resolved conversations, links attachments): another site's or visitor's conversation,
-- a conversation not open. A clientId already stored fails on the unique index (23505): the
-- general path then returns the stored message. Concurrent sends to one conversation queue on
-- the UPDATE's row lock, so seq stays gap-free and monotonic, as with SELECT … FOR UPDATE.
--
-- SECURITY DEFINER (runs as the owner, outside row-level security, like the other mod_chat_*
-- functions): every row it touches is pinned to p_site and, for a visitor, to p_visitor.
-- p_payload is the webhook body the server built for the message, without its seq and
-- sender name (known here only); both are set in it before it is queued.
CREATE FUNCTION "mod_chat_append_message"(
  p_site uuid, p_conversation uuid, p_visitor uuid,
  p_id uuid, p_client_id text, p_sender_type text, p_sender_id uuid, p_sender_name text,
  p_content text, p_private boolean, p_created_at timestamptz, p_payload jsonb
) RETURNS TABLE (seq integer, sender_name text, visitor_id uuid, webhooks integer)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
    WITH conv AS (
      UPDATE mod_chat_conversations c SET
        last_seq = c.last_seq + 1,
        last_public_seq = CASE WHEN p_private THEN c.last_public_seq ELSE c.last_seq + 1 END,
        last_activity_at = p_created_at,
        last_message_at = CASE WHEN p_private THEN c.last_message_at ELSE p_created_at END,
        first_message_at = CASE WHEN NOT p_private AND c.first_message_at IS NULL THEN p_created_at ELSE c.first_message_at END,
        first_response_at = CASE WHEN p_sender_type = 'agent' AND NOT p_private AND c.first_response_at IS NULL
                                 THEN p_created_at ELSE c.first_response_at END,
        -- A sender has seen everything up to their own message.
        visitor_read_seq = CASE WHEN p_sender_type = 'visitor' THEN c.last_seq + 1 ELSE c.visitor_read_seq END,
        visitor_delivered_seq = CASE WHEN p_sender_type = 'visitor' THEN c.last_seq + 1 ELSE c.visitor_delivered_seq END,
        agent_read_seq = CASE WHEN p_sender_type = 'agent' THEN c.last_seq + 1 ELSE c.agent_read_seq END,
        agent_delivered_seq = CASE WHEN p_sender_type = 'agent' THEN c.last_seq + 1 ELSE c.agent_delivered_seq END,
        updated_at = now()
      WHERE c.id = p_conversation AND c.site_id = p_site
        AND (p_visitor IS NULL OR c.visitor_id = p_visitor)
        AND c.status IN ('pending', 'active')
      RETURNING c.id, c.site_id, c.visitor_id, c.last_seq
    ), msg AS (
      INSERT INTO mod_chat_messages (id, site_id, conversation_id, seq, client_id, sender_type, sender_id,
                                     sender_name, message_type, content, attachments, metadata, is_private, created_at)
      SELECT p_id, conv.site_id, conv.id, conv.last_seq, p_client_id, p_sender_type, p_sender_id,
             COALESCE(p_sender_name, (SELECT v.name FROM mod_chat_visitors v WHERE v.id = conv.visitor_id AND v.site_id = p_site)),
             'text', p_content, '[]', '{}', p_private, p_created_at
      FROM conv
      RETURNING mod_chat_messages.seq, mod_chat_messages.sender_name
    ), hooks AS (
      INSERT INTO mod_chat_webhook_deliveries (site_id, webhook_id, event, payload)
      SELECT w.site_id, w.id, 'message.created',
             jsonb_set(jsonb_set(p_payload, '{data,message,seq}', to_jsonb(msg.seq)),
                       '{data,message,senderName}', COALESCE(to_jsonb(msg.sender_name), 'null'::jsonb))
      FROM mod_chat_webhooks w CROSS JOIN msg
      WHERE w.site_id = p_site AND w.active AND 'message.created' = ANY (w.events)
        AND NOT p_private AND p_payload IS NOT NULL
      RETURNING 1
    )
    SELECT msg.seq, msg.sender_name, (SELECT conv.visitor_id FROM conv), (SELECT count(*) FROM hooks)::integer
    FROM msg
  $$;
REVOKE ALL ON FUNCTION "mod_chat_append_message"(uuid, uuid, uuid, uuid, text, text, uuid, text, text, boolean, timestamptz, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_append_message"(uuid, uuid, uuid, uuid, text, text, uuid, text, text, boolean, timestamptz, jsonb) TO live_chat_app;
