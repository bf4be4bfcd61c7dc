-- Queue lengths for /metrics over every site: conversations waiting, webhook deliveries and
-- emails pending, events in the outbox not yet dispatched. Counts only. Waiting is the queue's
-- own rule (mod_chat_conversation_waits).

CREATE OR REPLACE FUNCTION "mod_chat_queue_lengths"()
  RETURNS TABLE (waiting_conversations bigint, webhook_deliveries bigint, email_jobs bigint, events bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT
      (SELECT count(*) FROM mod_chat_conversations c WHERE mod_chat_conversation_waits(c.status, c.assigned_agent_id, c.is_offline, c.first_response_at)),
      (SELECT count(*) FROM mod_chat_webhook_deliveries WHERE status = 'pending'),
      (SELECT count(*) FROM mod_chat_email_jobs),
      (SELECT count(*) FROM mod_chat_events)
  $$;
REVOKE ALL ON FUNCTION "mod_chat_queue_lengths"() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_queue_lengths"() TO live_chat_app;
