-- Erasing a visitor (packages/server/src/privacy/erase.ts) reaches the audit log too: in the events
-- of the transaction's agency and site (app.agency_id, app.site_id), every text that holds one of
-- `terms` (the visitor's name, email, phone and the host's user id for them; case does not matter;
-- terms under 3 characters are ignored) becomes "[erased]", in `data` (at any depth) and in the
-- target's label. The app may otherwise only read and append the log (its grants exclude UPDATE):
-- this function is the one change it can make there, and it can make no other. Returns how many
-- events changed. mod_chat_jsonb_erase is its walk through a JSON value.

CREATE OR REPLACE FUNCTION "mod_chat_jsonb_erase"(j jsonb, terms text[]) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
  BEGIN
    RETURN CASE jsonb_typeof(j)
      WHEN 'object' THEN (SELECT coalesce(jsonb_object_agg(e.k, mod_chat_jsonb_erase(e.v, terms)), '{}'::jsonb) FROM jsonb_each(j) AS e(k, v))
      WHEN 'array' THEN (SELECT coalesce(jsonb_agg(mod_chat_jsonb_erase(a.v, terms) ORDER BY a.i), '[]'::jsonb) FROM jsonb_array_elements(j) WITH ORDINALITY AS a(v, i))
      WHEN 'string' THEN CASE WHEN EXISTS (SELECT 1 FROM unnest(terms) AS t(x) WHERE strpos(lower(j #>> '{}'), x) > 0) THEN '"[erased]"'::jsonb ELSE j END
      ELSE j
    END;
  END
  $$;
REVOKE ALL ON FUNCTION "mod_chat_jsonb_erase"(jsonb, text[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION "mod_chat_audit_erase"(p_terms text[]) RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public
  AS $$
    WITH t AS (
      SELECT array_agg(DISTINCT lower(x)) AS terms FROM unnest(p_terms) AS u(x) WHERE length(x) >= 3
    ),
    changed AS (
      UPDATE audit_events e SET
        data = mod_chat_jsonb_erase(e.data, t.terms),
        target_label = CASE WHEN EXISTS (SELECT 1 FROM unnest(t.terms) AS u(x) WHERE strpos(lower(e.target_label), x) > 0) THEN '[erased]' ELSE e.target_label END
      FROM t
      WHERE t.terms IS NOT NULL
        AND e.agency_id = nullif(current_setting('app.agency_id', true), '')::uuid
        AND e.site_id = nullif(current_setting('app.site_id', true), '')::uuid
        -- (a cheap look first: the text of the whole event, JSON escapes and all, holds a term)
        AND EXISTS (SELECT 1 FROM unnest(t.terms) AS u(x) WHERE strpos(lower(e.data::text), lower(trim(both '"' FROM to_json(x)::text))) > 0
                                                              OR strpos(lower(e.target_label), x) > 0)
      RETURNING 1
    )
    SELECT count(*)::int FROM changed
  $$;
REVOKE ALL ON FUNCTION "mod_chat_audit_erase"(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_audit_erase"(text[]) TO live_chat_app;
