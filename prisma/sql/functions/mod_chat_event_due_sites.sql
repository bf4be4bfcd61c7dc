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
