-- SLA clocks started and met by new messages (called by mod_chat_append_messages for its batch,
-- p_ids: the batch's message ids). Only on sites with an SLA policy: a batch of other sites' messages
-- costs one index probe. A visitor's message starts a response clock when none is running (the
-- first response while no agent has replied yet, else the next response) and, at their first
-- message, the resolution clock; an agent's public message meets the running response clock.
-- Private notes and system lines count for nothing. Due times are set by the SLA job
-- (packages/server/src/sla/), in business hours, which SQL does not know.

CREATE OR REPLACE FUNCTION "mod_chat_sla_messages"(p_sites uuid[], p_ids uuid[]) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE
    r record;
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM mod_chat_sla_policies p WHERE p.site_id = ANY (p_sites)) THEN
      RETURN;
    END IF;
    FOR r IN
      SELECT m.site_id, m.conversation_id, m.sender_type, m.created_at, c.first_response_at
      FROM mod_chat_messages m JOIN mod_chat_conversations c ON c.id = m.conversation_id
      WHERE m.id = ANY (p_ids) AND NOT m.is_private AND m.sender_type IN ('visitor', 'agent')
        AND EXISTS (SELECT 1 FROM mod_chat_sla_policies p WHERE p.site_id = m.site_id)
      ORDER BY m.conversation_id, m.seq
    LOOP
      IF r.sender_type = 'agent' THEN
        UPDATE mod_chat_sla_clocks k SET met_at = r.created_at
        WHERE k.conversation_id = r.conversation_id AND k.kind IN ('first_response', 'next_response')
          AND k.met_at IS NULL AND k.cancelled_at IS NULL;
      ELSE
        INSERT INTO mod_chat_sla_clocks (site_id, conversation_id, kind, started_at)
        SELECT r.site_id, r.conversation_id,
               CASE WHEN r.first_response_at IS NULL OR r.first_response_at > r.created_at THEN 'first_response' ELSE 'next_response' END,
               r.created_at
        WHERE NOT EXISTS (
          SELECT 1 FROM mod_chat_sla_clocks k
          WHERE k.conversation_id = r.conversation_id AND k.kind IN ('first_response', 'next_response')
            AND k.met_at IS NULL AND k.cancelled_at IS NULL)
        ON CONFLICT DO NOTHING;
        INSERT INTO mod_chat_sla_clocks (site_id, conversation_id, kind, started_at)
        SELECT r.site_id, r.conversation_id, 'resolution', r.created_at
        WHERE NOT EXISTS (SELECT 1 FROM mod_chat_sla_clocks k WHERE k.conversation_id = r.conversation_id AND k.kind = 'resolution')
        ON CONFLICT DO NOTHING;
      END IF;
    END LOOP;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_sla_messages"(uuid[], uuid[]) FROM PUBLIC;
