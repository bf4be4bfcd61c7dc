-- Whether an event of this type must be written to the outbox (mod_chat_events): when one of
-- the site's active webhooks subscribes to it. The server's own consumers (the reply email) ask
-- for theirs by sender, see mod_chat_append_messages' p_event_senders. An event nobody wants is
-- not written, so a site without webhooks pays nothing for them on the send path.
-- PL/pgSQL so that its statement is planned once per connection: the message writer asks once
-- per message, and a SQL function's body (which cannot be inlined: it reads a table) was parsed
-- and planned again in every statement that called it (see mod_chat_live_visitor).

CREATE OR REPLACE FUNCTION "mod_chat_event_wanted"(p_site uuid, p_type text) RETURNS boolean
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  AS $$
  BEGIN
    RETURN EXISTS (SELECT 1 FROM mod_chat_webhooks w WHERE w.site_id = p_site AND w.active AND p_type = ANY (w.events));
  END
  $$;
