-- Full-text search: the conversations of the current site (app.site_id) whose subject, visitor or
-- any message matches a query; ids only. SECURITY DEFINER so that the GIN indexes serve it
-- (tsvector @@ tsquery is not LEAKPROOF, so under row-level security every search would scan).

CREATE OR REPLACE FUNCTION "mod_chat_search"(query tsquery)
  RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT c.id FROM mod_chat_conversations c
    WHERE c.search_vector @@ query AND c.site_id = nullif(current_setting('app.site_id', true), '')::uuid
    UNION
    SELECT c.id FROM mod_chat_visitors v JOIN mod_chat_conversations c ON c.visitor_id = v.id AND c.site_id = v.site_id
    WHERE v.search_vector @@ query AND v.site_id = nullif(current_setting('app.site_id', true), '')::uuid
    UNION
    SELECT m.conversation_id FROM mod_chat_messages m
    WHERE m.search_vector @@ query AND m.site_id = nullif(current_setting('app.site_id', true), '')::uuid
  $$;
REVOKE ALL ON FUNCTION "mod_chat_search"(tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_search"(tsquery) TO live_chat_app;
