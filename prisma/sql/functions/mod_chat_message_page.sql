-- A page of a conversation's messages in one statement (history hot path): pinned to the site and,
-- for a visitor, to that visitor, whose page never holds private notes.

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
    IF NOT EXISTS (
      SELECT 1 FROM mod_chat_conversations c
      WHERE c.id = p_conversation AND c.site_id = p_site AND (p_visitor IS NULL OR c.visitor_id = p_visitor)
    ) THEN
      RETURN;
    END IF;
    IF p_after IS NOT NULL THEN
      RETURN QUERY
        SELECT m.id, m.conversation_id, m.seq, m.client_id, m.sender_type, m.sender_id, m.sender_name, m.message_type,
               m.content, m.attachments, m.metadata, m.is_private, m.created_at,
               m.edited_at, m.deleted_at, m.rev
        FROM mod_chat_messages m
        WHERE m.conversation_id = p_conversation AND m.seq > p_after AND (p_visitor IS NULL OR NOT m.is_private)
        ORDER BY m.seq ASC LIMIT p_limit;
    ELSE
      RETURN QUERY
        SELECT m.id, m.conversation_id, m.seq, m.client_id, m.sender_type, m.sender_id, m.sender_name, m.message_type,
               m.content, m.attachments, m.metadata, m.is_private, m.created_at,
               m.edited_at, m.deleted_at, m.rev
        FROM mod_chat_messages m
        WHERE m.conversation_id = p_conversation AND (p_before IS NULL OR m.seq < p_before) AND (p_visitor IS NULL OR NOT m.is_private)
        ORDER BY m.seq DESC LIMIT p_limit;
    END IF;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_message_page"(uuid, uuid, uuid, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_message_page"(uuid, uuid, uuid, integer, integer, integer) TO live_chat_app;
