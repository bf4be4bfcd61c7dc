-- A page of a conversation's messages in one statement (history hot path): pinned to the site and,
-- for a visitor, to that visitor, whose page never holds private notes. For an agent the site is
-- checked on the page's rows (a conversation's messages are all of its site) rather than on the
-- conversation's row first: opening an old conversation read that row from disk too, one random
-- read of the six such a page took (bench/history.mjs at 10×). The page is taken first and its
-- site checked after, so a conversation of another site costs a page's rows, never all of its own.

CREATE OR REPLACE FUNCTION "mod_chat_message_page"(
  p_site uuid, p_conversation uuid, p_visitor uuid, p_after integer, p_before integer, p_limit integer
) RETURNS TABLE (
  "id" uuid, "conversationId" uuid, "seq" integer, "clientId" text, "senderType" text, "senderId" uuid,
  "senderName" text, "messageType" text, "content" text, "attachments" jsonb, "metadata" jsonb,
  "isPrivate" boolean, "createdAt" timestamptz,
  "editedAt" timestamptz, "deletedAt" timestamptz, "rev" integer
)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  BEGIN
    IF p_visitor IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM mod_chat_conversations c
      WHERE c.id = p_conversation AND c.site_id = p_site AND c.visitor_id = p_visitor
    ) THEN
      RETURN;
    END IF;
    IF p_after IS NOT NULL THEN
      RETURN QUERY
        SELECT m.id, m.conversation_id, m.seq, m.client_id, m.sender_type, m.sender_id, m.sender_name, m.message_type,
               m.content, m.attachments, m.metadata, m.is_private, m.created_at,
               m.edited_at, m.deleted_at, m.rev
        FROM (
          SELECT * FROM mod_chat_messages m
          WHERE m.conversation_id = p_conversation AND m.seq > p_after AND (p_visitor IS NULL OR NOT m.is_private)
          ORDER BY m.seq ASC LIMIT p_limit
        ) m
        WHERE m.site_id = p_site
        ORDER BY m.seq ASC;
    ELSE
      RETURN QUERY
        SELECT m.id, m.conversation_id, m.seq, m.client_id, m.sender_type, m.sender_id, m.sender_name, m.message_type,
               m.content, m.attachments, m.metadata, m.is_private, m.created_at,
               m.edited_at, m.deleted_at, m.rev
        FROM (
          SELECT * FROM mod_chat_messages m
          WHERE m.conversation_id = p_conversation AND (p_before IS NULL OR m.seq < p_before) AND (p_visitor IS NULL OR NOT m.is_private)
          ORDER BY m.seq DESC LIMIT p_limit
        ) m
        WHERE m.site_id = p_site
        ORDER BY m.seq DESC;
    END IF;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_message_page"(uuid, uuid, uuid, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_message_page"(uuid, uuid, uuid, integer, integer, integer) TO live_chat_app;
