-- CreateTable
CREATE TABLE "mod_chat_bans" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "visitor_id" UUID,
    "email" TEXT,
    "network" INET,
    "reason" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "created_by" UUID,
    "created_by_name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_bans_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mod_chat_bans_site_id_created_at_idx" ON "mod_chat_bans"("site_id", "created_at");

-- AddForeignKey
ALTER TABLE "mod_chat_bans" ADD CONSTRAINT "mod_chat_bans_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_bans" ADD CONSTRAINT "mod_chat_bans_site_id_visitor_id_fkey" FOREIGN KEY ("site_id", "visitor_id") REFERENCES "mod_chat_visitors"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_bans" ADD CONSTRAINT "mod_chat_bans_site_id_created_by_fkey" FOREIGN KEY ("site_id", "created_by") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- CHECK constraints: each kind names exactly its own target; a network has no host bits.
ALTER TABLE "mod_chat_bans"
  ADD CONSTRAINT "mod_chat_bans_kind_check" CHECK (
    ("kind" = 'visitor' AND "visitor_id" IS NOT NULL AND "email" IS NULL AND "network" IS NULL) OR
    ("kind" = 'email' AND "email" IS NOT NULL AND "email" = lower("email") AND "visitor_id" IS NULL AND "network" IS NULL) OR
    ("kind" = 'ip' AND "network" IS NOT NULL AND "network" = network("network")::inet AND "visitor_id" IS NULL AND "email" IS NULL)
  );

-- From prisma/sql/policies/mod_chat_bans.sql
-- Row-level security of mod_chat_bans.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_bans" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_bans";
CREATE POLICY "site_isolation" ON "mod_chat_bans" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);
