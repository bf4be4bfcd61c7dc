-- Which sites have webhook deliveries due, oldest first (site ids only): the delivery worker then
-- claims and sends each site's deliveries in that site's own transaction under row-level security.
-- SECURITY DEFINER: it runs as the owner, whom the site_isolation policies do not restrict.

CREATE OR REPLACE FUNCTION "mod_chat_webhook_due_sites"(max_sites integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT site_id FROM mod_chat_webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at <= now()
    GROUP BY site_id ORDER BY min(next_attempt_at) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_webhook_due_sites"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_webhook_due_sites"(integer) TO live_chat_app;
