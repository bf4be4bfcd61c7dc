-- New events in the outbox (mod_chat_events) wake every process's dispatcher: a NOTIFY on
-- live_chat_events per site written (once per statement), which Postgres delivers when the
-- transaction commits, and never if it does not (events/outbox.ts, events/dispatcher.ts).

CREATE OR REPLACE FUNCTION "mod_chat_events_notify"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    PERFORM pg_notify('live_chat_events', s.site_id::text) FROM (SELECT DISTINCT n.site_id FROM new_rows n) s;
    RETURN NULL;
  END
  $$;

DROP TRIGGER IF EXISTS "mod_chat_events_notify" ON "mod_chat_events";
CREATE TRIGGER "mod_chat_events_notify" AFTER INSERT ON "mod_chat_events"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mod_chat_events_notify"();
