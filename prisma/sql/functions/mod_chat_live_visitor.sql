-- The visitor a session token names: itself, or the contact it was merged into (contacts/merge.ts
-- leaves a tombstone that points there); null when neither exists. The one statement of the rule
-- (visitors/service.ts `live`, mod_chat_visitor_authenticate). With the caller's rights: under
-- row-level security, inside the site's scope. PL/pgSQL: its statement's plan is kept per
-- connection, and a caller reading the result once (a variable) calls it once; a SQL function
-- referenced three times in a statement ran three times.

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
