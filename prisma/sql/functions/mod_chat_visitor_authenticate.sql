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
