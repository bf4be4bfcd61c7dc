-- From prisma/sql/functions/mod_chat_banned.sql
-- Whether an unexpired ban of the site holds for who knocks: the visitor (by id, or by the email
-- stored on them), an address inside a banned network (`>>=`), or an email being given (lower
-- case). The one statement of the rule (bans/service.ts `caught` for any door, and a visitor's
-- handshake, mod_chat_visitor_authenticate). It runs with the caller's rights: under row-level
-- security, inside the site's scope.

CREATE OR REPLACE FUNCTION "mod_chat_banned"(p_site uuid, p_visitor uuid, p_ip inet, p_email text)
  RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM mod_chat_bans b
      WHERE b.site_id = p_site
        AND (b.expires_at IS NULL OR b.expires_at > now())
        AND (b.visitor_id = p_visitor
          OR b.network >>= p_ip
          OR b.email = p_email
          OR b.email = (SELECT lower(v.email) FROM mod_chat_visitors v WHERE v.id = p_visitor))
    )
  $$;
REVOKE ALL ON FUNCTION "mod_chat_banned"(uuid, uuid, inet, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_banned"(uuid, uuid, inet, text) TO live_chat_app;

-- From prisma/sql/functions/mod_chat_conversation_waits.sql
-- Whether a conversation waits in its site's queue: pending, nobody assigned, not an offline
-- message, not answered yet. The one statement of the rule: the queue's positions and "has this
-- visitor a conversation waiting" (queue/service.ts WAITS), a visitor's handshake
-- (mod_chat_visitor_connected) and the count of /metrics (mod_chat_queue_lengths). A plain
-- expression in SQL, IMMUTABLE and not STRICT: the planner inlines it where it is called, so a
-- query using it plans as if the expression were written there.

CREATE OR REPLACE FUNCTION "mod_chat_conversation_waits"(p_status text, p_assigned uuid, p_offline boolean, p_first_response timestamptz)
  RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT p_status = 'pending' AND p_assigned IS NULL AND NOT p_offline AND p_first_response IS NULL $$;

-- From prisma/sql/functions/mod_chat_enter_site.sql
-- Scopes the current transaction to a site, as the server's inSite() does (shared/db/index.ts:
-- set_config('app.site_id', …, true)), from inside a function: the statements of the visitor's
-- handshake run alone, outside any transaction the server opened (db.handshakes), and enter their
-- site first, so row-level security holds for what they read and write. A transaction already
-- scoped to another site is refused, never switched.

CREATE OR REPLACE FUNCTION "mod_chat_enter_site"(p_site uuid)
  RETURNS void
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    current text := nullif(current_setting('app.site_id', true), '');
  BEGIN
    IF current IS NOT NULL AND current <> p_site::text THEN
      RAISE EXCEPTION 'this transaction belongs to another site' USING ERRCODE = '42501';
    END IF;
    PERFORM set_config('app.site_id', p_site::text, true);
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_enter_site"(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_enter_site"(uuid) TO live_chat_app;

-- From prisma/sql/functions/mod_chat_live_visitor.sql
-- The visitor a session token names: itself, or the contact it was merged into (contacts/merge.ts
-- leaves a tombstone that points there); null when neither exists. The one statement of the rule
-- (visitors/service.ts `live`, mod_chat_visitor_authenticate). With the caller's rights: under
-- row-level security, inside the site's scope.

CREATE OR REPLACE FUNCTION "mod_chat_live_visitor"(p_visitor uuid)
  RETURNS uuid
  LANGUAGE sql STABLE
  AS $$
    SELECT t.id FROM mod_chat_visitors v JOIN mod_chat_visitors t ON t.id = COALESCE(v.merged_into_id, v.id)
    WHERE v.id = p_visitor
  $$;
REVOKE ALL ON FUNCTION "mod_chat_live_visitor"(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_live_visitor"(uuid) TO live_chat_app;

-- From prisma/sql/functions/mod_chat_queue_lengths.sql
-- Queue lengths for /metrics over every site: conversations waiting, webhook deliveries and
-- emails pending, events in the outbox not yet dispatched. Counts only. Waiting is the queue's
-- own rule (mod_chat_conversation_waits).

CREATE OR REPLACE FUNCTION "mod_chat_queue_lengths"()
  RETURNS TABLE (waiting_conversations bigint, webhook_deliveries bigint, email_jobs bigint, events bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT
      (SELECT count(*) FROM mod_chat_conversations c WHERE mod_chat_conversation_waits(c.status, c.assigned_agent_id, c.is_offline, c.first_response_at)),
      (SELECT count(*) FROM mod_chat_webhook_deliveries WHERE status = 'pending'),
      (SELECT count(*) FROM mod_chat_email_jobs),
      (SELECT count(*) FROM mod_chat_events)
  $$;
REVOKE ALL ON FUNCTION "mod_chat_queue_lengths"() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_queue_lengths"() TO live_chat_app;

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
  BEGIN
    PERFORM mod_chat_enter_site(p_site);
    RETURN QUERY
      SELECT s.allowed_origins, v.id, v.id IS NOT NULL AND mod_chat_banned(p_site, v.id, p_ip, NULL)
      FROM sites s LEFT JOIN LATERAL (SELECT mod_chat_live_visitor(p_visitor) AS id) v ON true
      WHERE s.id = p_site;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_visitor_authenticate"(uuid, uuid, inet) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_visitor_authenticate"(uuid, uuid, inet) TO live_chat_app;

-- From prisma/sql/functions/mod_chat_visitor_presence.sql
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
