-- Which sites have a conversation past its site's missed deadline (site ids only, oldest first); the
-- marking runs in each site's transaction under row-level security.

CREATE OR REPLACE FUNCTION "mod_chat_missed_due_sites"(max_sites integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT c.site_id FROM mod_chat_conversations c JOIN sites s ON s.id = c.site_id
    WHERE c.status IN ('pending', 'active') AND c.first_response_at IS NULL AND c.missed_at IS NULL AND NOT c.is_offline
      AND c.first_message_at <= now() - make_interval(mins => s.missed_after_minutes)
    GROUP BY c.site_id ORDER BY min(c.first_message_at) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_missed_due_sites"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_missed_due_sites"(integer) TO live_chat_app;
