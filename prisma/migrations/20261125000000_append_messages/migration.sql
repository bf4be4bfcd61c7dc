-- The send hot path, set-based: a whole batch of text messages (group commit, see
-- packages/server/src/messages/batch.ts) appended by one statement, instead of one call of
-- mod_chat_append_message per message. Calling that function per row started an executor per
-- message (plan start-up, CHECK constraints re-read, triggers queued per call): in a perf profile
-- of the throughput bench that per-call work outweighed storing the rows. Set-based, a batch of
-- 17 messages takes about a third less time in Postgres (pgbench: 2.4-2.6 ms before, 1.5-1.65 ms
-- after), and each further message in a batch adds about half as much.
--
-- Same rules as mod_chat_append_message, which it replaces (dropped at the end: nothing else
-- called it):
-- - A message goes in only to an open conversation (pending or active) of its site and, for a
--   visitor's message (p_visitor[i] not null), of that visitor. Any other message returns no row
--   and the caller takes the general path, which explains the refusal or reopens.
-- - Each conversation is updated (and so locked) once, its counters moved by its number of
--   messages in the batch; its messages take the seqs in between, in batch order, so seq stays
--   gap-free and monotonic. Concurrent sends to a conversation queue on that row lock. The
--   update walks the conversations in id order, so two batches queue rather than deadlock (if
--   two ever did lock in opposite orders, Postgres fails one with 40P01, and the caller stores
--   its messages one by one).
-- - A clientId already stored fails the whole statement on the unique index (23505): nothing of
--   it is written, and the caller retries the messages one by one.
-- - message.created webhooks are queued in the same statement (committed with the message), and
--   so is the reply email to an absent visitor who left an address (p_email_after: the batching
--   window; null when the server sends no email): one pending job per conversation.
-- Rows: n is the message's 1-based position in the arrays.
-- plpgsql rather than sql: plpgsql keeps the statement's plan for the session, where a sql
-- function is parsed and planned again on every call (a third of the statement's time).
CREATE FUNCTION "mod_chat_append_messages"(
  p_site uuid[], p_conversation uuid[], p_visitor uuid[],
  p_id uuid[], p_client_id text[], p_sender_type text[], p_sender_id uuid[], p_sender_name text[],
  p_content text[], p_private boolean[], p_created_at timestamptz[], p_payload jsonb[],
  p_email_after interval
) RETURNS TABLE (n integer, seq integer, sender_name text, visitor_id uuid, webhooks integer, emailed boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY
    WITH input AS (
      SELECT * FROM unnest(p_site, p_conversation, p_visitor, p_id, p_client_id, p_sender_type, p_sender_id,
                           p_sender_name, p_content, p_private, p_created_at, p_payload)
        WITH ORDINALITY AS i(site, conv, visitor, id, client_id, sender_type, sender_id, sender_name, content,
                             private, created_at, payload, n)
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
        agent_delivered_seq = COALESCE(c.last_seq + a.last_agent_k, c.agent_delivered_seq),
        updated_at = now()
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
      INSERT INTO mod_chat_webhook_deliveries (site_id, webhook_id, event, payload)
      SELECT w.site_id, w.id, 'message.created',
             jsonb_set(jsonb_set(s.payload, '{data,message,seq}', to_jsonb(s.seq)),
                       '{data,message,senderName}', COALESCE(to_jsonb(msg.sender_name), 'null'::jsonb))
      FROM stored s JOIN msg ON msg.id = s.id
      JOIN mod_chat_webhooks w ON w.site_id = s.site AND w.active AND 'message.created' = ANY (w.events)
      WHERE NOT s.private AND s.payload IS NOT NULL
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
REVOKE ALL ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], jsonb[], interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], jsonb[], interval) TO live_chat_app;
DROP FUNCTION "mod_chat_append_message"(uuid, uuid, uuid, uuid, text, text, uuid, text, text, boolean, timestamptz, jsonb);
