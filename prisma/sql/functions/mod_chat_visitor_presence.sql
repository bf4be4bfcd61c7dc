-- A visitor's socket connected or disconnected (visitors/service.ts `connected`, `disconnected`),
-- one statement each, in the site's scope (mod_chat_enter_site): its presence row
-- (mod_chat_connections, as presence/service.ts writes an agent's), the visitor's last seen time,
-- and what the server announces to the site's agents.
-- connected: no row when the visitor no longer exists (the statement then writes nothing); else
-- their page, and whether they have a conversation waiting in the queue (mod_chat_conversation_waits), to be
-- told their place at once.
-- disconnected: no row for a visitor erased meanwhile; else their page and how many of their
-- sockets are still connected (0: they went offline).

CREATE OR REPLACE FUNCTION "mod_chat_visitor_connected"(p_site uuid, p_visitor uuid, p_socket text, p_node uuid)
  RETURNS TABLE (current_url text, current_title text, waiting boolean)
  LANGUAGE plpgsql VOLATILE
  AS $$
  #variable_conflict use_column
  BEGIN
    PERFORM mod_chat_enter_site(p_site);
    RETURN QUERY
      WITH seen AS (
        UPDATE mod_chat_visitors v SET last_seen_at = now() WHERE v.id = p_visitor
        RETURNING v.id, v.current_url, v.current_title
      ), present AS (
        INSERT INTO mod_chat_connections (socket_id, node_id, site_id, kind, visitor_id)
        SELECT p_socket, p_node, p_site, 'visitor', seen.id FROM seen
      )
      SELECT seen.current_url, seen.current_title, EXISTS (
        SELECT 1 FROM mod_chat_conversations c
        WHERE c.visitor_id = p_visitor AND mod_chat_conversation_waits(c.status, c.assigned_agent_id, c.is_offline, c.first_response_at))
      FROM seen;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_visitor_connected"(uuid, uuid, text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_visitor_connected"(uuid, uuid, text, uuid) TO live_chat_app;

CREATE OR REPLACE FUNCTION "mod_chat_visitor_disconnected"(p_site uuid, p_visitor uuid, p_socket text)
  RETURNS TABLE (current_url text, current_title text, sockets integer)
  LANGUAGE plpgsql VOLATILE
  AS $$
  #variable_conflict use_column
  DECLARE
    n integer;
  BEGIN
    PERFORM mod_chat_enter_site(p_site);
    DELETE FROM mod_chat_connections c WHERE c.socket_id = p_socket;
    SELECT count(*) INTO n FROM mod_chat_connections c WHERE c.kind = 'visitor' AND c.visitor_id = p_visitor;
    RETURN QUERY
      UPDATE mod_chat_visitors v SET last_seen_at = now() WHERE v.id = p_visitor
      RETURNING v.current_url, v.current_title, n;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_visitor_disconnected"(uuid, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_visitor_disconnected"(uuid, uuid, text) TO live_chat_app;
