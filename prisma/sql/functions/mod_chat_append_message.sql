-- The send hot path for a message that goes alone (group commit with a batch of one): the same
-- rules, row and effects as mod_chat_append_messages, in a few plain statements.

CREATE OR REPLACE FUNCTION "mod_chat_append_message"(
  p_site uuid, p_conv uuid, p_visitor uuid,
  p_id uuid, p_client_id text, p_sender_type text, p_sender_id uuid, p_sender_name text,
  p_content text, p_private boolean, p_created_at timestamptz,
  p_email_after interval
) RETURNS TABLE (n integer, seq integer, sender_name text, visitor_id uuid, webhooks integer, emailed boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  #variable_conflict use_column
  DECLARE
    v_seq integer;
    v_visitor uuid;
    v_name text;
    v_hooks integer := 0;
    v_emailed boolean := false;
  BEGIN
    -- The conversation: of this site (and of this visitor, for a visitor's message) and open, or
    -- no row. Its counters move by one, and the update locks it until the commit.
    UPDATE mod_chat_conversations c SET
      last_seq = c.last_seq + 1,
      last_public_seq = CASE WHEN p_private THEN c.last_public_seq ELSE c.last_seq + 1 END,
      last_activity_at = p_created_at,
      last_message_at = CASE WHEN p_private THEN c.last_message_at ELSE p_created_at END,
      first_message_at = COALESCE(c.first_message_at, CASE WHEN NOT p_private THEN p_created_at END),
      first_response_at = COALESCE(c.first_response_at, CASE WHEN NOT p_private AND p_sender_type = 'agent' THEN p_created_at END),
      -- A sender has seen everything up to their own message.
      visitor_read_seq = CASE WHEN p_sender_type = 'visitor' THEN c.last_seq + 1 ELSE c.visitor_read_seq END,
      visitor_delivered_seq = CASE WHEN p_sender_type = 'visitor' THEN c.last_seq + 1 ELSE c.visitor_delivered_seq END,
      agent_read_seq = CASE WHEN p_sender_type = 'agent' THEN c.last_seq + 1 ELSE c.agent_read_seq END,
      agent_delivered_seq = CASE WHEN p_sender_type = 'agent' THEN c.last_seq + 1 ELSE c.agent_delivered_seq END
    WHERE c.id = p_conv AND c.site_id = p_site AND (p_visitor IS NULL OR c.visitor_id = p_visitor)
      AND c.status IN ('pending', 'active')
    RETURNING c.last_seq, c.visitor_id INTO v_seq, v_visitor;
    IF NOT FOUND THEN
      RETURN;
    END IF;

    -- A clientId already stored fails here on the unique index (23505), and the update with it.
    INSERT INTO mod_chat_messages AS m (id, site_id, conversation_id, seq, client_id, sender_type, sender_id,
                                        sender_name, message_type, content, attachments, metadata, is_private, created_at)
    VALUES (p_id, p_site, p_conv, v_seq, p_client_id, p_sender_type, p_sender_id,
            COALESCE(p_sender_name, (SELECT v.name FROM mod_chat_visitors v WHERE v.id = v_visitor AND v.site_id = p_site)),
            'text', p_content, '[]', '{}', p_private, p_created_at)
    RETURNING m.sender_name INTO v_name;

    IF NOT p_private AND EXISTS (
      SELECT 1 FROM mod_chat_webhooks w WHERE w.site_id = p_site AND w.active AND 'message.created' = ANY (w.events)
    ) THEN
      INSERT INTO mod_chat_webhook_deliveries (site_id, webhook_id, event, payload)
      SELECT w.site_id, w.id, 'message.created',
             jsonb_build_object('event', 'message.created', 'siteId', p_site, 'createdAt', mod_chat_iso(p_created_at),
               'data', jsonb_build_object('message', mod_chat_text_message_json(p_id, p_conv, v_seq, p_client_id,
                 p_sender_type, p_sender_id, v_name, p_content, p_created_at)))
      FROM mod_chat_webhooks w
      WHERE w.site_id = p_site AND w.active AND 'message.created' = ANY (w.events);
      GET DIAGNOSTICS v_hooks = ROW_COUNT;
    END IF;

    IF p_email_after IS NOT NULL AND p_sender_type = 'agent' AND NOT p_private THEN
      INSERT INTO mod_chat_email_jobs (conversation_id, site_id, due_at)
      SELECT p_conv, p_site, now() + p_email_after
      FROM mod_chat_visitors v
      WHERE v.id = v_visitor AND v.site_id = p_site AND v.email IS NOT NULL
      ON CONFLICT (conversation_id) DO NOTHING;
      v_emailed := FOUND;
    END IF;

    n := 1;
    seq := v_seq;
    sender_name := v_name;
    visitor_id := v_visitor;
    webhooks := v_hooks;
    emailed := v_emailed;
    RETURN NEXT;
  END
  $$;

REVOKE ALL ON FUNCTION "mod_chat_append_message"(uuid, uuid, uuid, uuid, text, text, uuid, text, text, boolean, timestamptz, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_append_message"(uuid, uuid, uuid, uuid, text, text, uuid, text, text, boolean, timestamptz, interval) TO live_chat_app;
