-- A text message as the API and the sockets show it: the SQL copy of toMessage
-- (packages/server/src/shared/map.ts) for the message.created webhook body built by the append
-- functions; a test compares the two.

CREATE OR REPLACE FUNCTION "mod_chat_text_message_json"(
  p_id uuid, p_conversation uuid, p_seq integer, p_client_id text, p_sender_type text, p_sender_id uuid,
  p_sender_name text, p_text text, p_created_at timestamptz
) RETURNS jsonb
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN jsonb_build_object('id', p_id, 'conversationId', p_conversation, 'seq', p_seq, 'clientId', p_client_id,
    'senderType', p_sender_type, 'senderId', p_sender_id, 'senderName', p_sender_name, 'type', 'text', 'text', p_text,
    'attachments', '[]'::jsonb, 'private', false, 'system', NULL, 'createdAt', mod_chat_iso(p_created_at));
