-- Which sites have webhook deliveries due, oldest first (site ids only): only deliveries whose
-- webhook's circuit is closed or half-open (its pause is over), and not the sites in `busy` (the
-- asking worker's sites with every slot in use, so that they cannot crowd the others out of the
-- list). The delivery worker then claims and sends each site's deliveries in that site's own
-- transaction under row-level security.
-- SECURITY DEFINER: it runs as the owner, whom the site_isolation policies do not restrict.

CREATE OR REPLACE FUNCTION "mod_chat_webhook_due_sites"(max_sites integer, busy uuid[]) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT d.site_id FROM mod_chat_webhook_deliveries d
    JOIN mod_chat_webhooks w ON w.id = d.webhook_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND (w.circuit_open_until IS NULL OR w.circuit_open_until <= now())
      AND d.site_id <> ALL (busy)
    GROUP BY d.site_id ORDER BY min(d.next_attempt_at) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_webhook_due_sites"(integer, uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_webhook_due_sites"(integer, uuid[]) TO live_chat_app;
