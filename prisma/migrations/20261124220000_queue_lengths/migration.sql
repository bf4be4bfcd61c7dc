-- ---------------------------------------------------------------------------
-- Queue lengths for /metrics: how many conversations wait in a queue, how many webhook
-- deliveries and reply emails are pending, over every site. Counts only, nothing else; the
-- rows themselves stay behind row-level security (cf. mod_chat_webhook_due_sites).
-- SECURITY DEFINER: it runs as the owner, whom the site_isolation policies do not restrict.
-- ---------------------------------------------------------------------------
CREATE FUNCTION "mod_chat_queue_lengths"()
  RETURNS TABLE (waiting_conversations bigint, webhook_deliveries bigint, email_jobs bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT
      (SELECT count(*) FROM mod_chat_conversations WHERE status = 'pending' AND assigned_agent_id IS NULL AND NOT is_offline),
      (SELECT count(*) FROM mod_chat_webhook_deliveries WHERE status = 'pending'),
      (SELECT count(*) FROM mod_chat_email_jobs)
  $$;
REVOKE ALL ON FUNCTION "mod_chat_queue_lengths"() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_queue_lengths"() TO live_chat_app;
