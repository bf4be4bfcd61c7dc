-- The visitor a session token names: itself, or the contact it was merged into (contacts/merge.ts
-- leaves a tombstone that points there); null when neither exists. The one statement of the rule
-- (visitors/service.ts `live`, mod_chat_visitor_authenticate). With the caller's rights: under
-- row-level security, inside the site's scope. PL/pgSQL, not SQL: its statement is planned once per
-- connection, where a SQL function called from another statement was planned again at every call
-- (0.26 ms of the handshake's 1.7, by pg_stat_statements).

CREATE OR REPLACE FUNCTION "mod_chat_live_visitor"(p_visitor uuid)
  RETURNS uuid
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN (SELECT t.id FROM mod_chat_visitors v JOIN mod_chat_visitors t ON t.id = COALESCE(v.merged_into_id, v.id)
            WHERE v.id = p_visitor);
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_live_visitor"(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_live_visitor"(uuid) TO live_chat_app;
