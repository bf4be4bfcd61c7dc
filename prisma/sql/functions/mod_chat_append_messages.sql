-- Appending messages: the one writer of what a new message does to its conversation (seq,
-- counters, first message and first response, read and delivered marks, last activity), of the
-- message rows, and of their events in the outbox (mod_chat_events), in one statement. Every
-- path calls it: the send hot path's group commit (messages/batch.ts: a batch of text messages,
-- or one alone) and the general path (messages/store.ts: attachments, system lines, reopening, a
-- conversation's first message; one message at a time, on a conversation it has locked).
--
-- The arguments are columns of the batch (1-based n: a message's place in them). The batch's
-- conversations are locked first, in id order (two batches meeting on two conversations lock them
-- in the same order and queue rather than deadlock), then the batch is written by one statement
-- whose snapshot is taken after the locks, so that it reads each conversation as the last commit
-- left it. A conversation is updated once per statement. No row for a message that was not appended: its conversation is not of this site,
-- not of this visitor (p_visitor: the visitor who must own it, null for agents and system
-- lines), or, with p_open_only, not pending or active. A clientId already stored fails the
-- statement on the unique index (23505).
-- Then the SLA clocks the batch starts or meets (mod_chat_sla_messages).
-- p_event_senders: the senders whose messages the server's own consumers want as events even
-- when no webhook does (the reply email wants agents').

CREATE OR REPLACE FUNCTION "mod_chat_append_messages"(
  p_site uuid[], p_conversation uuid[], p_visitor uuid[],
  p_id uuid[], p_client_id text[], p_sender_type text[], p_sender_id uuid[], p_sender_name text[],
  p_content text[], p_private boolean[], p_created_at timestamptz[],
  p_type text[], p_attachments jsonb[], p_metadata jsonb[], p_open_only boolean, p_event_senders text[]
) RETURNS TABLE (
  n integer, seq integer, sender_name text, visitor_id uuid, event_id uuid,
  -- For the live announcement (realtime/publisher.ts): the seq of the message before this one
  -- that the visitor can see (0: none), and the conversation's counters right after this message.
  prev_public_seq integer, last_public_seq integer,
  visitor_read_seq integer, visitor_delivered_seq integer, agent_read_seq integer, agent_delivered_seq integer
)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  #variable_conflict use_column
  BEGIN
    PERFORM 1 FROM mod_chat_conversations c WHERE c.id = ANY (p_conversation) AND c.site_id = ANY (p_site) ORDER BY c.id FOR UPDATE;
    RETURN QUERY
    WITH input AS (
      SELECT i.*, NOT i.private AND i.sender_type <> 'system' AS talk,
             mod_chat_message_event(i.sender_type, i.private, i.metadata) AS event
      FROM unnest(p_site, p_conversation, p_visitor, p_id, p_client_id, p_sender_type, p_sender_id,
                  p_sender_name, p_content, p_private, p_created_at, p_type, p_attachments, p_metadata)
        WITH ORDINALITY AS i(site, conv, visitor, id, client_id, sender_type, sender_id, sender_name, content,
                             private, created_at, type, attachments, metadata, n)
    ), ok AS (
      -- The conversation of this site (and of this visitor) as it was before the batch. k: the
      -- message's place among its conversation's messages in the batch.
      SELECT i.*, row_number() OVER (PARTITION BY i.conv ORDER BY i.n) AS k,
             c.last_public_seq AS old_public, c.visitor_read_seq AS old_vr, c.visitor_delivered_seq AS old_vd,
             c.agent_read_seq AS old_ar, c.agent_delivered_seq AS old_ad
      FROM input i
      JOIN mod_chat_conversations c ON c.id = i.conv AND c.site_id = i.site AND (i.visitor IS NULL OR c.visitor_id = i.visitor)
    ), counters AS (
      -- Each conversation once, in id order; its status is checked on the locked row. last_seq
      -- moves by the conversation's count; the messages take the seqs between.
      UPDATE mod_chat_conversations c SET
        last_seq = c.last_seq + a.count,
        last_public_seq = COALESCE(c.last_seq + a.last_public_k, c.last_public_seq),
        last_activity_at = a.last_at,
        last_message_at = COALESCE(a.last_talk_at, c.last_message_at),
        first_message_at = COALESCE(c.first_message_at, a.first_talk_at),
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
               max(ok.created_at) FILTER (WHERE ok.talk) AS last_talk_at,
               min(ok.created_at) FILTER (WHERE ok.talk) AS first_talk_at,
               min(ok.created_at) FILTER (WHERE ok.talk AND ok.sender_type = 'agent') AS first_agent_at,
               max(ok.k) FILTER (WHERE ok.sender_type = 'visitor')::integer AS last_visitor_k,
               max(ok.k) FILTER (WHERE ok.sender_type = 'agent')::integer AS last_agent_k
        FROM ok GROUP BY ok.conv ORDER BY ok.conv
      ) a
      WHERE c.id = a.conv AND (NOT p_open_only OR c.status IN ('pending', 'active'))
      RETURNING c.id, c.visitor_id, c.last_seq - a.count AS base
    ), stored AS (
      SELECT ok.*, (counters.base + ok.k)::integer AS seq, counters.visitor_id AS conv_visitor,
             COALESCE(counters.base + max(ok.k) FILTER (WHERE NOT ok.private) OVER before_it, ok.old_public)::integer AS prev_public,
             COALESCE(counters.base + max(ok.k) FILTER (WHERE ok.sender_type = 'visitor') OVER up_to_it, ok.old_vr)::integer AS vr,
             COALESCE(counters.base + max(ok.k) FILTER (WHERE ok.sender_type = 'visitor') OVER up_to_it, ok.old_vd)::integer AS vd,
             COALESCE(counters.base + max(ok.k) FILTER (WHERE ok.sender_type = 'agent') OVER up_to_it, ok.old_ar)::integer AS ar,
             COALESCE(counters.base + max(ok.k) FILTER (WHERE ok.sender_type = 'agent') OVER up_to_it, ok.old_ad)::integer AS ad
      FROM ok JOIN counters ON counters.id = ok.conv
      WINDOW up_to_it AS (PARTITION BY ok.conv ORDER BY ok.k),
             before_it AS (PARTITION BY ok.conv ORDER BY ok.k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ), msg AS (
      -- A visitor's message without a name takes the visitor's.
      INSERT INTO mod_chat_messages (id, site_id, conversation_id, seq, client_id, sender_type, sender_id,
                                     sender_name, message_type, content, attachments, metadata, is_private, created_at)
      SELECT s.id, s.site, s.conv, s.seq, s.client_id, s.sender_type, s.sender_id,
             CASE WHEN s.sender_type = 'visitor' THEN COALESCE(s.sender_name, v.name) ELSE s.sender_name END,
             s.type, s.content, s.attachments, s.metadata, s.private, s.created_at
      FROM stored s LEFT JOIN mod_chat_visitors v ON v.id = s.conv_visitor AND v.site_id = s.site
      RETURNING mod_chat_messages.id, mod_chat_messages.sender_name
    ), events AS (
      -- The message's event, when someone wants it; its body is built from the stored message
      -- when it is dispatched (events/dispatcher.ts).
      INSERT INTO mod_chat_events (site_id, type, conversation_id, message_id, created_at)
      SELECT s.site, s.event, s.conv, s.id, s.created_at FROM stored s
      WHERE s.event IS NOT NULL AND (s.sender_type = ANY (p_event_senders) OR mod_chat_event_wanted(s.site, s.event))
      ORDER BY s.n
      RETURNING mod_chat_events.message_id, mod_chat_events.id
    )
    SELECT s.n::integer, s.seq, msg.sender_name, s.conv_visitor, e.id,
           s.prev_public, CASE WHEN s.private THEN s.prev_public ELSE s.seq END, s.vr, s.vd, s.ar, s.ad
    FROM stored s JOIN msg ON msg.id = s.id LEFT JOIN events e ON e.message_id = s.id
    ORDER BY s.n;
    -- The batch's messages are visible to the next statement.
    PERFORM mod_chat_sla_messages(p_site, p_id);
  END
  $$;

REVOKE ALL ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], text[], jsonb[], jsonb[], boolean, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], text[], jsonb[], jsonb[], boolean, text[]) TO live_chat_app;
