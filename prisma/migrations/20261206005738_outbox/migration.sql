-- The outbox (mod_chat_events), one writer of messages for every path
-- (mod_chat_append_messages), and email jobs of two kinds (reply, offline): see prisma/sql/ and
-- packages/server/src/events/.
-- AlterTable
ALTER TABLE "mod_chat_email_jobs" DROP CONSTRAINT "mod_chat_email_jobs_pkey",
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'reply',
ADD CONSTRAINT "mod_chat_email_jobs_pkey" PRIMARY KEY ("conversation_id", "kind");

-- AlterTable
ALTER TABLE "mod_chat_webhook_deliveries" ADD COLUMN     "event_id" UUID;

-- CreateTable
CREATE TABLE "mod_chat_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "site_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "conversation_id" UUID,
    "message_id" UUID,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mod_chat_events_site_id_seq_idx" ON "mod_chat_events"("site_id", "seq");

-- AddForeignKey
ALTER TABLE "mod_chat_events" ADD CONSTRAINT "mod_chat_events_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Defined by no file of prisma/sql/ any more.
DROP FUNCTION mod_chat_append_messages(uuid[],uuid[],uuid[],uuid[],text[],text[],uuid[],text[],text[],boolean[],timestamp with time zone[],interval);
DROP FUNCTION mod_chat_append_message(uuid,uuid,uuid,uuid,text,text,uuid,text,text,boolean,timestamp with time zone,interval);
DROP FUNCTION mod_chat_text_message_json(uuid,uuid,integer,text,text,uuid,text,text,timestamp with time zone);

-- From prisma/sql/functions/mod_chat_append_messages.sql
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
  END
  $$;

REVOKE ALL ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], text[], jsonb[], jsonb[], boolean, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_append_messages"(uuid[], uuid[], uuid[], uuid[], text[], text[], uuid[], text[], text[], boolean[], timestamptz[], text[], jsonb[], jsonb[], boolean, text[]) TO live_chat_app;

-- From prisma/sql/functions/mod_chat_event_due_sites.sql
-- Which sites have events in the outbox waiting for the dispatcher, those waiting longest first
-- (site ids only). The dispatcher then hands each site's events to their consumers in that site's
-- own transaction under row-level security (events/dispatcher.ts).
-- SECURITY DEFINER: it runs as the owner, whom the site_isolation policies do not restrict.

CREATE OR REPLACE FUNCTION "mod_chat_event_due_sites"(max_sites integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT e.site_id FROM mod_chat_events e GROUP BY e.site_id ORDER BY min(e.seq) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_event_due_sites"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_event_due_sites"(integer) TO live_chat_app;

-- From prisma/sql/functions/mod_chat_event_wanted.sql
-- Whether an event of this type must be written to the outbox (mod_chat_events): when one of
-- the site's active webhooks subscribes to it. The server's own consumers (the reply email) ask
-- for theirs by sender, see mod_chat_append_messages' p_event_senders. An event nobody wants is
-- not written, so a site without webhooks pays nothing for them on the send path.

CREATE OR REPLACE FUNCTION "mod_chat_event_wanted"(p_site uuid, p_type text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN EXISTS (SELECT 1 FROM mod_chat_webhooks w WHERE w.site_id = p_site AND w.active AND p_type = ANY (w.events));

-- From prisma/sql/functions/mod_chat_message_event.sql
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

-- From prisma/sql/policies/mod_chat_events.sql
-- Row-level security of mod_chat_events.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_events" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_events";
CREATE POLICY "site_isolation" ON "mod_chat_events" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- From prisma/sql/triggers/mod_chat_events_notify.sql
-- New events in the outbox (mod_chat_events) wake every process's dispatcher: a NOTIFY on
-- live_chat_events per site written (once per statement), which Postgres delivers when the
-- transaction commits, and never if it does not (events/outbox.ts, events/dispatcher.ts).

CREATE OR REPLACE FUNCTION "mod_chat_events_notify"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    PERFORM pg_notify('live_chat_events', s.site_id::text) FROM (SELECT DISTINCT n.site_id FROM new_rows n) s;
    RETURN NULL;
  END
  $$;

DROP TRIGGER IF EXISTS "mod_chat_events_notify" ON "mod_chat_events";
CREATE TRIGGER "mod_chat_events_notify" AFTER INSERT ON "mod_chat_events"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mod_chat_events_notify"();

-- The application role writes events (recordEvent) and so draws from the dispatch order's
-- sequence (the default privileges of the first migration cover tables, not sequences).
GRANT USAGE ON SEQUENCE "mod_chat_events_seq_seq" TO live_chat_app;

-- An email job's kind.
ALTER TABLE "mod_chat_email_jobs" ADD CONSTRAINT "mod_chat_email_jobs_kind_check" CHECK ("kind" IN ('reply', 'offline'));

-- /metrics counts the outbox too: a new column, so the function is made again.
DROP FUNCTION "mod_chat_queue_lengths"();
-- From prisma/sql/functions/mod_chat_queue_lengths.sql
-- Queue lengths for /metrics over every site: conversations waiting, webhook deliveries and
-- emails pending, events in the outbox not yet dispatched. Counts only.

CREATE OR REPLACE FUNCTION "mod_chat_queue_lengths"()
  RETURNS TABLE (waiting_conversations bigint, webhook_deliveries bigint, email_jobs bigint, events bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT
      (SELECT count(*) FROM mod_chat_conversations WHERE status = 'pending' AND assigned_agent_id IS NULL AND NOT is_offline),
      (SELECT count(*) FROM mod_chat_webhook_deliveries WHERE status = 'pending'),
      (SELECT count(*) FROM mod_chat_email_jobs),
      (SELECT count(*) FROM mod_chat_events)
  $$;
REVOKE ALL ON FUNCTION "mod_chat_queue_lengths"() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_queue_lengths"() TO live_chat_app;
