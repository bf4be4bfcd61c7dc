-- AlterTable
ALTER TABLE "mod_chat_conversations" ADD COLUMN     "anonymised_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "mod_chat_visitors" ADD COLUMN     "anonymised_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "sites" ADD COLUMN     "retention_days" INTEGER,
ADD COLUMN     "retention_mode" TEXT NOT NULL DEFAULT 'off';

-- CreateTable
CREATE TABLE "mod_chat_analytics_removed" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "offline" BOOLEAN NOT NULL DEFAULT false,
    "resolved" BOOLEAN NOT NULL DEFAULT false,
    "missed" BOOLEAN NOT NULL DEFAULT false,
    "rating" INTEGER,
    "agent_id" UUID,
    "responder_id" UUID,
    "first_response_seconds" INTEGER,
    "resolution_seconds" INTEGER,
    "sender_type" TEXT,
    "removed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_analytics_removed_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mod_chat_analytics_removed_site_id_at_idx" ON "mod_chat_analytics_removed"("site_id", "at");

-- CreateIndex
CREATE INDEX "mod_chat_analytics_removed_removed_at_idx" ON "mod_chat_analytics_removed"("removed_at");

-- AddForeignKey
ALTER TABLE "mod_chat_analytics_removed" ADD CONSTRAINT "mod_chat_analytics_removed_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- From prisma/sql/functions/mod_chat_analytics_due_sites.sql
-- Which sites the analytics job must bring up to date since its watermark: conversations changed,
-- messages added (the hot path no longer moves updated_at), figures kept of removed conversations
-- (an erased visitor, retention; see mod_chat_analytics_removed), or a time zone changed since the
-- days were computed (rebuild). Site ids only; SECURITY DEFINER, like the other *_due_sites.

CREATE OR REPLACE FUNCTION "mod_chat_analytics_due_sites"(since timestamptz)
  RETURNS TABLE (site_id uuid, rebuild boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT due.site_id, bool_or(due.rebuild) FROM (
      SELECT DISTINCT c.site_id, false AS rebuild FROM mod_chat_conversations c
      WHERE c.updated_at >= coalesce(since, '-infinity')
      UNION ALL
      SELECT s.id, false FROM sites s
      WHERE EXISTS (SELECT 1 FROM mod_chat_messages m WHERE m.site_id = s.id AND m.created_at >= coalesce(since, '-infinity'))
      UNION ALL
      SELECT DISTINCT r.site_id, false FROM mod_chat_analytics_removed r
      WHERE r.removed_at >= coalesce(since, '-infinity')
      UNION ALL
      SELECT a.site_id, true FROM mod_chat_analytics_sites a
      LEFT JOIN mod_chat_widget_settings w ON w.site_id = a.site_id
      WHERE a.timezone IS DISTINCT FROM coalesce(w.timezone, 'UTC')
    ) due
    GROUP BY due.site_id
  $$;

-- From prisma/sql/functions/mod_chat_audit_erase.sql
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

-- From prisma/sql/policies/mod_chat_analytics_removed.sql
-- Row-level security of mod_chat_analytics_removed.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_analytics_removed" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_analytics_removed";
CREATE POLICY "site_isolation" ON "mod_chat_analytics_removed" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- Added by hand (Prisma cannot express CHECK constraints).
ALTER TABLE "sites" ADD CONSTRAINT "sites_retention_check"
  CHECK (("retention_mode" = 'off' AND "retention_days" IS NULL) OR ("retention_mode" IN ('delete', 'anonymise') AND "retention_days" >= 1));
ALTER TABLE "mod_chat_analytics_removed" ADD CONSTRAINT "mod_chat_analytics_removed_kind_check" CHECK ("kind" IN ('conversation', 'message'));
ALTER TABLE "mod_chat_analytics_removed" ADD CONSTRAINT "mod_chat_analytics_removed_sender_type_check" CHECK ("sender_type" IN ('visitor', 'agent'));
