-- From prisma/sql/functions/mod_chat_banned.sql
-- Whether an unexpired ban of the site holds for who knocks: the visitor (by id, or by the email
-- stored on them), an address inside a banned network (`>>=`), or an email being given (lower
-- case). The one statement of the rule (bans/service.ts `caught` for any door, and a visitor's
-- handshake, mod_chat_visitor_authenticate). It runs with the caller's rights: under row-level
-- security, inside the site's scope. PL/pgSQL so that its statement is planned once per connection
-- (see mod_chat_live_visitor).

CREATE OR REPLACE FUNCTION "mod_chat_banned"(p_site uuid, p_visitor uuid, p_ip inet, p_email text)
  RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN EXISTS (
      SELECT 1 FROM mod_chat_bans b
      WHERE b.site_id = p_site
        AND (b.expires_at IS NULL OR b.expires_at > now())
        AND (b.visitor_id = p_visitor
          OR b.network >>= p_ip
          OR b.email = p_email
          OR b.email = (SELECT lower(v.email) FROM mod_chat_visitors v WHERE v.id = p_visitor))
    );
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_banned"(uuid, uuid, inet, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_banned"(uuid, uuid, inet, text) TO live_chat_app;

-- From prisma/sql/functions/mod_chat_live_visitor.sql
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

-- From prisma/sql/functions/mod_chat_visitor_authenticate.sql
-- A visitor at a door (every socket handshake and visitor REST request, visitors/service.ts
-- `authenticate`), in one statement once their token's signature is checked: the site's allowed
-- origins (no row: no such site), the visitor the token acts as (mod_chat_live_visitor; null: no
-- longer exists) and whether a ban holds for them or their address (mod_chat_banned). The server
-- checks the origin first, as before, so a wrong page is told so whoever the visitor is.

CREATE OR REPLACE FUNCTION "mod_chat_visitor_authenticate"(p_site uuid, p_visitor uuid, p_ip inet)
  RETURNS TABLE (allowed_origins text[], visitor_id uuid, banned boolean)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    origins text[];
    live uuid;
  BEGIN
    PERFORM mod_chat_enter_site(p_site);
    SELECT s.allowed_origins INTO origins FROM sites s WHERE s.id = p_site;
    IF NOT FOUND THEN
      RETURN;
    END IF;
    live := mod_chat_live_visitor(p_visitor);
    RETURN QUERY SELECT origins, live, live IS NOT NULL AND mod_chat_banned(p_site, live, p_ip, NULL);
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_visitor_authenticate"(uuid, uuid, inet) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_visitor_authenticate"(uuid, uuid, inet) TO live_chat_app;
