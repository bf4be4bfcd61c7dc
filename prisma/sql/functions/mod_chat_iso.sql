-- A timestamp as the server shows it: JavaScript's toISOString (UTC, milliseconds, Z).

CREATE OR REPLACE FUNCTION "mod_chat_iso"(t timestamptz) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
