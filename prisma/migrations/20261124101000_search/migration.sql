-- Full-text search over history: conversation subjects, visitors' name / email / phone, and
-- message text. Each is a STORED generated tsvector (kept up to date by Postgres on every
-- write, no trigger) with a GIN index. The 'simple' configuration lower-cases and does not stem
-- or drop stop words, so every language is searched alike (accents are kept: no unaccent,
-- which the embedded PGlite does not load).
--
-- The query side (packages/server/src/history/search.ts) runs the same parser over the same
-- 'simple' configuration, so any value typed as stored matches.

-- Messages: the text of what people wrote (and private notes); system lines ("Alice joined")
-- are left out so that searching a common word does not match every conversation.
ALTER TABLE "mod_chat_messages" ADD COLUMN "search_vector" tsvector
  GENERATED ALWAYS AS (
    CASE WHEN "sender_type" <> 'system' THEN to_tsvector('simple'::regconfig, coalesce("content", '')) END
  ) STORED;

-- Visitors: the name; the email as one token (the full value), split at "@" (local part and
-- domain) and split at every punctuation mark (its words); the phone as written, as its groups
-- of digits, and as one run of digits ("+1 (555) 123-4567" is found as 15551234567 too).
ALTER TABLE "mod_chat_visitors" ADD COLUMN "search_vector" tsvector
  GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, coalesce("name", ''))
    || to_tsvector('simple'::regconfig,
         coalesce("email", '') || ' ' || replace(coalesce("email", ''), '@', ' ') || ' '
         || regexp_replace(coalesce("email", ''), '[^[:alnum:]]+', ' ', 'g'))
    || to_tsvector('simple'::regconfig,
         coalesce("phone", '') || ' ' || regexp_replace(coalesce("phone", ''), '[^0-9]+', ' ', 'g') || ' '
         || regexp_replace(coalesce("phone", ''), '[^0-9]+', '', 'g'))
  ) STORED;

-- Conversations: the subject.
ALTER TABLE "mod_chat_conversations" ADD COLUMN "search_vector" tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce("subject", ''))) STORED;

CREATE INDEX "mod_chat_messages_search_vector_idx" ON "mod_chat_messages" USING GIN ("search_vector");
CREATE INDEX "mod_chat_visitors_search_vector_idx" ON "mod_chat_visitors" USING GIN ("search_vector");
CREATE INDEX "mod_chat_conversations_search_vector_idx" ON "mod_chat_conversations" USING GIN ("search_vector");

-- Date filters (in the site's time zone, on created_at) and the bulk export's keyset order.
CREATE INDEX "mod_chat_conversations_site_id_created_at_id_idx" ON "mod_chat_conversations" ("site_id", "created_at", "id");

-- ---------------------------------------------------------------------------
-- The conversations of the current site (app.site_id, as the site_isolation policies read it)
-- in which a full-text query matches the subject, the visitor or any message.
--
-- Why a SECURITY DEFINER function: under row-level security Postgres may use an index for a
-- condition only if its operator is LEAKPROOF, and tsvector @@ tsquery (ts_match_vq) is not, so
-- as the application role every search would scan every message row of the site instead of
-- the GIN indexes. The owner is not subject to the policies; the function applies the same site
-- condition itself, and returns ids only (the caller reads the rows under the policies).
-- ---------------------------------------------------------------------------
CREATE FUNCTION "mod_chat_search"(query tsquery)
  RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT c.id FROM mod_chat_conversations c
    WHERE c.search_vector @@ query AND c.site_id = nullif(current_setting('app.site_id', true), '')::uuid
    UNION
    SELECT c.id FROM mod_chat_visitors v JOIN mod_chat_conversations c ON c.visitor_id = v.id AND c.site_id = v.site_id
    WHERE v.search_vector @@ query AND v.site_id = nullif(current_setting('app.site_id', true), '')::uuid
    UNION
    SELECT m.conversation_id FROM mod_chat_messages m
    WHERE m.search_vector @@ query AND m.site_id = nullif(current_setting('app.site_id', true), '')::uuid
  $$;
REVOKE ALL ON FUNCTION "mod_chat_search"(tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_search"(tsquery) TO live_chat_app;
