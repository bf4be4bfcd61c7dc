-- The time zone analytics use for a site's setting: the setting when Postgres knows it, else UTC
-- (the widget's rule for an unknown zone).

CREATE OR REPLACE FUNCTION "mod_chat_time_zone"(zone text) RETURNS text
  LANGUAGE plpgsql STABLE SET search_path = public
  AS $$
  BEGIN
    -- A leading sign or digit would be read as a POSIX offset, which counts hours westwards.
    IF zone IS NULL OR zone !~ '^[A-Za-z]' THEN
      RETURN 'UTC';
    END IF;
    PERFORM now() AT TIME ZONE zone;
    RETURN zone;
  EXCEPTION WHEN invalid_parameter_value THEN
    RETURN 'UTC';
  END
  $$;
