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
