-- Analytics: the daily aggregates kept up to date incrementally, and the missed-conversation
-- sweep's cross-site lookup. The statements down to the foreign keys were generated from
-- prisma/schema.prisma; the sections after them are written by hand (see prisma/README.md).
--
-- mod_chat_analytics was empty in every deployment: its averaged columns are replaced by what
-- exact figures over any range of days need (durations one by one, ratings and hours as counts,
-- per-agent figures).

-- AlterTable
ALTER TABLE "mod_chat_analytics" DROP COLUMN "avg_first_response_seconds",
DROP COLUMN "avg_rating",
DROP COLUMN "avg_resolution_seconds",
DROP COLUMN "conversations_rated",
DROP COLUMN "messages_by_agents",
DROP COLUMN "total_messages",
DROP COLUMN "total_rating_sum",
ADD COLUMN     "agents" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "conversations_offline" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "first_response_seconds" INTEGER[],
ADD COLUMN     "hours" INTEGER[],
ADD COLUMN     "messages_agent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "messages_visitor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "ratings" INTEGER[],
ADD COLUMN     "resolution_seconds" INTEGER[],
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "mod_chat_analytics_watermark" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "through" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_analytics_watermark_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_analytics_sites" (
    "site_id" UUID NOT NULL,
    "timezone" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_analytics_sites_pkey" PRIMARY KEY ("site_id")
);

-- CreateIndex
CREATE INDEX "mod_chat_conversations_updated_at_idx" ON "mod_chat_conversations"("updated_at");

-- CreateIndex
CREATE INDEX "mod_chat_messages_site_id_created_at_idx" ON "mod_chat_messages"("site_id", "created_at");

-- AddForeignKey
ALTER TABLE "mod_chat_analytics_sites" ADD CONSTRAINT "mod_chat_analytics_sites_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- CHECK constraints: the job always writes whole arrays.
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_analytics"
  ADD CONSTRAINT "mod_chat_analytics_arrays_check" CHECK (
    "first_response_seconds" IS NOT NULL AND "resolution_seconds" IS NOT NULL
    AND cardinality("ratings") = 5 AND cardinality("hours") = 24);

ALTER TABLE "mod_chat_analytics_watermark"
  ADD CONSTRAINT "mod_chat_analytics_watermark_one_row_check" CHECK ("id" = 1);
INSERT INTO "mod_chat_analytics_watermark" ("id") VALUES (1);

-- Grants: see 20261123232101_uploads_offline_holidays.
GRANT SELECT, INSERT, UPDATE, DELETE ON "mod_chat_analytics_watermark", "mod_chat_analytics_sites" TO live_chat_app;

-- ---------------------------------------------------------------------------
-- Row-level security for the new site-scoped table (mod_chat_analytics has it since the first
-- migration; the watermark holds no site's data).
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_analytics_sites" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "site_isolation" ON "mod_chat_analytics_sites" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- ---------------------------------------------------------------------------
-- The time zone the analytics use for a site's setting: the setting when Postgres knows it,
-- else UTC (the widget's rule for an unknown zone). Settings are checked with Intl when saved;
-- this keeps one Postgres without a zone from failing the whole job.
-- ---------------------------------------------------------------------------
CREATE FUNCTION "mod_chat_time_zone"(zone text) RETURNS text
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

-- ---------------------------------------------------------------------------
-- The analytics job serves every site. This function tells it which sites have conversations
-- changed since `since` (every change of a conversation, a new message included, moves its
-- updated_at) and which sites' time zone setting changed since their days were computed (those
-- are recomputed whole): site ids only, so the work on each runs in that site's own transaction
-- under row-level security (cf. mod_chat_webhook_due_sites). `since` null: every site with data.
-- SECURITY DEFINER: it runs as the owner, whom the site_isolation policies do not restrict.
-- ---------------------------------------------------------------------------
CREATE FUNCTION "mod_chat_analytics_due_sites"(since timestamptz)
  RETURNS TABLE (site_id uuid, rebuild boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT due.site_id, bool_or(due.rebuild) FROM (
      SELECT DISTINCT c.site_id, false AS rebuild FROM mod_chat_conversations c
      WHERE c.updated_at >= coalesce(since, '-infinity')
      UNION ALL
      SELECT a.site_id, true FROM mod_chat_analytics_sites a
      LEFT JOIN mod_chat_widget_settings w ON w.site_id = a.site_id
      WHERE a.timezone IS DISTINCT FROM coalesce(w.timezone, 'UTC')
    ) due
    GROUP BY due.site_id
  $$;
REVOKE ALL ON FUNCTION "mod_chat_analytics_due_sites"(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_analytics_due_sites"(timestamptz) TO live_chat_app;

-- ---------------------------------------------------------------------------
-- Missed conversations. The sweep's candidates are the conversations waiting now, so the index
-- of 20261124100000_missed is narrowed to them: without the status in its predicate it also kept
-- every conversation closed unanswered before its deadline, for ever.
-- ---------------------------------------------------------------------------
DROP INDEX "mod_chat_conversations_waiting_unanswered_idx";
CREATE INDEX "mod_chat_conversations_waiting_unanswered_idx"
  ON "mod_chat_conversations" ("site_id", "first_message_at")
  WHERE "status" IN ('pending', 'active') AND "first_response_at" IS NULL AND "missed_at" IS NULL AND NOT "is_offline";

-- Which sites have a conversation past its site's deadline (site ids only; the marking itself
-- runs in each site's transaction under row-level security, as above). Oldest first.
CREATE FUNCTION "mod_chat_missed_due_sites"(max_sites integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT c.site_id FROM mod_chat_conversations c JOIN sites s ON s.id = c.site_id
    WHERE c.status IN ('pending', 'active') AND c.first_response_at IS NULL AND c.missed_at IS NULL AND NOT c.is_offline
      AND c.first_message_at <= now() - make_interval(mins => s.missed_after_minutes)
    GROUP BY c.site_id ORDER BY min(c.first_message_at) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_missed_due_sites"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_missed_due_sites"(integer) TO live_chat_app;
