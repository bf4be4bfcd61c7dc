-- Webhooks: per-site URLs subscribed to events, and their deliveries (the queue and the log in
-- one table; pending rows are jobs, so a restart loses nothing).
-- CreateTable
CREATE TABLE "mod_chat_webhooks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "secret" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "mod_chat_webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mod_chat_webhooks_site_id_idx" ON "mod_chat_webhooks"("site_id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_webhooks_site_id_id_key" ON "mod_chat_webhooks"("site_id", "id");

-- CreateIndex
CREATE INDEX "mod_chat_webhook_deliveries_status_next_attempt_at_idx" ON "mod_chat_webhook_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "mod_chat_webhook_deliveries_site_id_webhook_id_created_at_idx" ON "mod_chat_webhook_deliveries"("site_id", "webhook_id", "created_at");

-- AddForeignKey
ALTER TABLE "mod_chat_webhooks" ADD CONSTRAINT "mod_chat_webhooks_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_webhook_deliveries" ADD CONSTRAINT "mod_chat_webhook_deliveries_site_id_webhook_id_fkey" FOREIGN KEY ("site_id", "webhook_id") REFERENCES "mod_chat_webhooks"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- CHECK constraints
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_webhooks"
  ADD CONSTRAINT "mod_chat_webhooks_url_check" CHECK ("url" ~ '^https?://');

ALTER TABLE "mod_chat_webhook_deliveries"
  ADD CONSTRAINT "mod_chat_webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed')),
  ADD CONSTRAINT "mod_chat_webhook_deliveries_attempts_check" CHECK ("attempts" >= 0);

-- Grants: see 20261123232101_uploads_offline_holidays.
GRANT SELECT, INSERT, UPDATE, DELETE ON "mod_chat_webhooks", "mod_chat_webhook_deliveries" TO live_chat_app;

-- ---------------------------------------------------------------------------
-- Row-level security, as for every site-scoped table.
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_webhooks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_webhook_deliveries" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "site_isolation" ON "mod_chat_webhooks" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

CREATE POLICY "site_isolation" ON "mod_chat_webhook_deliveries" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- ---------------------------------------------------------------------------
-- The delivery worker serves every site. This function tells it which sites have deliveries
-- due (site ids only, nothing else), so claiming and sending each one runs in that site's own
-- transaction under row-level security like every other query (cf. mod_chat_upload_site).
-- SECURITY DEFINER: it runs as the owner, whom the policy above does not restrict.
-- ---------------------------------------------------------------------------
CREATE FUNCTION "mod_chat_webhook_due_sites"(max_sites integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT site_id FROM mod_chat_webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at <= now()
    GROUP BY site_id ORDER BY min(next_attempt_at) LIMIT max_sites
  $$;
REVOKE ALL ON FUNCTION "mod_chat_webhook_due_sites"(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_webhook_due_sites"(integer) TO live_chat_app;
