-- Whether an unexpired ban of the site holds for who knocks: the visitor (by id, or by the email
-- stored on them), an address inside a banned network (`>>=`), or an email being given (lower
-- case). The one statement of the rule (bans/service.ts `caught` for any door, and a visitor's
-- handshake, mod_chat_visitor_authenticate). It runs with the caller's rights: under row-level
-- security, inside the site's scope. PL/pgSQL, as mod_chat_live_visitor.

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
