-- Full-text search: the conversations of the current site (app.site_id) whose subject, visitor or
-- any message matches a query; ids only. SECURITY DEFINER so that the GIN indexes serve it
-- (tsvector @@ tsquery is not LEAKPROOF, so under row-level security every search would scan).
-- No JIT: planned for any query, its estimate passes jit_above_cost at a million messages, and
-- compiling took 15 ms of a rare word's 19 (bench/history.mjs, BENCH_HISTORY_SCALE=10).

CREATE OR REPLACE FUNCTION "mod_chat_search"(query tsquery)
  RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET jit = off
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
