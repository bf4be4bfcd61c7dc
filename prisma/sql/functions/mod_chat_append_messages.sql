-- The send hot path for a batch of two or more messages (group commit, messages/batch.ts): what a
-- new message does to its conversation (seq, counters, first message/response, read and delivered
-- marks, last activity), the message row, the message.created webhook deliveries and the reply
-- email job, in one statement. Same rules as mod_chat_append_message (a test compares the two).

CREATE OR REPLACE FUNCTION "mod_chat_append_messages"(
  p_site uuid[], p_conversation uuid[], p_visitor uuid[],
  p_id uuid[], p_client_id text[], p_sender_type text[], p_sender_id uuid[], p_sender_name text[],
  p_content text[], p_private boolean[], p_created_at timestamptz[],
  p_email_after interval
) RETURNS TABLE (n integer, seq integer, sender_name text, visitor_id uuid, webhooks integer, emailed boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY
    WITH input AS (
      SELECT * FROM unnest(p_site, p_conversation, p_visitor, p_id, p_client_id, p_sender_type, p_sender_id,
                           p_sender_name, p_content, p_private, p_created_at)
        WITH ORDINALITY AS i(site, conv, visitor, id, client_id, sender_type, sender_id, sender_name, content,
                             private, created_at, n)
    ), ok AS (
      -- A conversation's site and visitor never change: checked here, without a lock. k: the
      -- message's place among its conversation's messages in the batch.
      SELECT i.*, row_number() OVER (PARTITION BY i.conv ORDER BY i.n) AS k
      FROM input i
      JOIN mod_chat_conversations c ON c.id = i.conv AND c.site_id = i.site AND (i.visitor IS NULL OR c.visitor_id = i.visitor)
    ), counters AS (
      -- Each conversation once (it locks the row), in id order; its status is checked on the
      -- locked row. last_seq moves by the conversation's count; the messages take the seqs between.
      UPDATE mod_chat_conversations c SET
        last_seq = c.last_seq + a.count,
        last_public_seq = COALESCE(c.last_seq + a.last_public_k, c.last_public_seq),
        last_activity_at = a.last_at,
        last_message_at = COALESCE(a.last_public_at, c.last_message_at),
        first_message_at = COALESCE(c.first_message_at, a.first_public_at),
        first_response_at = COALESCE(c.first_response_at, a.first_agent_at),
        -- A sender has seen everything up to their own message.
        visitor_read_seq = COALESCE(c.last_seq + a.last_visitor_k, c.visitor_read_seq),
        visitor_delivered_seq = COALESCE(c.last_seq + a.last_visitor_k, c.visitor_delivered_seq),
        agent_read_seq = COALESCE(c.last_seq + a.last_agent_k, c.agent_read_seq),
        agent_delivered_seq = COALESCE(c.last_seq + a.last_agent_k, c.agent_delivered_seq)
      FROM (
        SELECT ok.conv,
               count(*)::integer AS count,
               max(ok.k) FILTER (WHERE NOT ok.private)::integer AS last_public_k,
               max(ok.created_at) AS last_at,
               max(ok.created_at) FILTER (WHERE NOT ok.private) AS last_public_at,
               min(ok.created_at) FILTER (WHERE NOT ok.private) AS first_public_at,
               min(ok.created_at) FILTER (WHERE NOT ok.private AND ok.sender_type = 'agent') AS first_agent_at,
               max(ok.k) FILTER (WHERE ok.sender_type = 'visitor')::integer AS last_visitor_k,
               max(ok.k) FILTER (WHERE ok.sender_type = 'agent')::integer AS last_agent_k
        FROM ok GROUP BY ok.conv ORDER BY ok.conv
      ) a
      WHERE c.id = a.conv AND c.status IN ('pending', 'active')
      RETURNING c.id, c.visitor_id, c.last_seq - a.count AS base
    ), stored AS (
      SELECT ok.*, (counters.base + ok.k)::integer AS seq, counters.visitor_id AS conv_visitor
      FROM ok JOIN counters ON counters.id = ok.conv
    ), msg AS (
      INSERT INTO mod_chat_messages (id, site_id, conversation_id, seq, client_id, sender_type, sender_id,
                                     sender_name, message_type, content, attachments, metadata, is_private, created_at)
      SELECT s.id, s.site, s.conv, s.seq, s.client_id, s.sender_type, s.sender_id,
             COALESCE(s.sender_name, v.name), 'text', s.content, '[]', '{}', s.private, s.created_at
      FROM stored s LEFT JOIN mod_chat_visitors v ON v.id = s.conv_visitor AND v.site_id = s.site
      RETURNING mod_chat_messages.id, mod_chat_messages.sender_name
    ), hooks AS (
      -- The body is built only for a site with such a webhook; mod_chat_text_message_json gives the
      -- message as the API and the sockets show it (toMessage in shared/map.ts).
      INSERT INTO mod_chat_webhook_deliveries (site_id, webhook_id, event, payload)
      SELECT w.site_id, w.id, 'message.created',
             jsonb_build_object('event', 'message.created', 'siteId', s.site, 'createdAt', mod_chat_iso(s.created_at),
               'data', jsonb_build_object('message', mod_chat_text_message_json(s.id, s.conv, s.seq, s.client_id,
                 s.sender_type, s.sender_id, msg.sender_name, s.content, s.created_at)))
      FROM stored s JOIN msg ON msg.id = s.id
      JOIN mod_chat_webhooks w ON w.site_id = s.site AND w.active AND 'message.created' = ANY (w.events)
      WHERE NOT s.private
      RETURNING (payload #>> '{data,message,id}')::uuid AS message_id
    ), queued AS (
      SELECT h.message_id, count(*)::integer AS webhooks FROM hooks h GROUP BY h.message_id
    ), emails AS (
      INSERT INTO mod_chat_email_jobs (conversation_id, site_id, due_at)
      SELECT DISTINCT s.conv, s.site, now() + p_email_after
      FROM stored s JOIN mod_chat_visitors v ON v.id = s.conv_visitor AND v.site_id = s.site
      WHERE p_email_after IS NOT NULL AND s.sender_type = 'agent' AND NOT s.private AND v.email IS NOT NULL
      ON CONFLICT (conversation_id) DO NOTHING
      RETURNING conversation_id
    )
    SELECT s.n::integer, s.seq, msg.sender_name, s.conv_visitor, COALESCE(q.webhooks, 0),
           EXISTS (SELECT 1 FROM emails e WHERE e.conversation_id = s.conv)
    FROM stored s JOIN msg ON msg.id = s.id LEFT JOIN queued q ON q.message_id = s.id
    ORDER BY s.n;
  END
  $$;

REVOKE ALL ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], interval) TO live_chat_app;
