-- Which site an upload belongs to (GET /uploads/:id/:name names no site: the unguessable id is the
-- capability); site id only, the read itself runs under row-level security.
-- SECURITY DEFINER: it runs as the owner, whom the site_isolation policies do not restrict.

CREATE OR REPLACE FUNCTION "mod_chat_upload_site"(upload_id uuid) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT site_id FROM mod_chat_uploads WHERE id = upload_id $$;
REVOKE ALL ON FUNCTION "mod_chat_upload_site"(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_upload_site"(uuid) TO live_chat_app;
