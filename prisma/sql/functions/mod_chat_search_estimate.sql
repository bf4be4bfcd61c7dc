-- Full-text search: how many messages the planner expects to match a query, in all sites, from
-- the statistics of the search_vector column (its most common lexemes, as ANALYZE keeps them).
-- The inbox chooses how to search from it (packages/server/src/history/search.ts): a rare word
-- goes through the GIN index (mod_chat_search), whose cost grows with the messages that match; a
-- common one walks the inbox's order and tests each conversation, which ends as soon as a page is
-- full. EXPLAIN is how Postgres gives its own estimate (the wiki's "count estimate" recipe);
-- SECURITY DEFINER so that it is the estimate of the column itself, not of the row-level
-- security's site condition as well. VOLATILE because EXPLAIN may not run in a STABLE function.

CREATE OR REPLACE FUNCTION "mod_chat_search_estimate"(query tsquery)
  RETURNS double precision
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
  DECLARE plan json;
  BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT FROM mod_chat_messages WHERE search_vector @@ $1' INTO plan USING query;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_search_estimate"(tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_search_estimate"(tsquery) TO live_chat_app;
