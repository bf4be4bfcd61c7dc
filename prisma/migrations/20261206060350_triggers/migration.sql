-- AlterTable
ALTER TABLE "mod_chat_conversations" ADD COLUMN     "trigger_id" UUID;

-- AlterTable
ALTER TABLE "mod_chat_widget_settings" ADD COLUMN     "triggers_may_store" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "mod_chat_triggers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "text" TEXT NOT NULL,
    "agent_id" UUID,
    "rules" JSONB NOT NULL DEFAULT '{}',
    "cap" TEXT NOT NULL DEFAULT 'session',
    "cap_days" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_triggers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_trigger_days" (
    "site_id" UUID NOT NULL,
    "trigger_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "shown" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "mod_chat_trigger_days_pkey" PRIMARY KEY ("trigger_id","date")
);

-- CreateIndex
CREATE INDEX "mod_chat_triggers_site_id_idx" ON "mod_chat_triggers"("site_id");

-- CreateIndex
CREATE INDEX "mod_chat_trigger_days_site_id_idx" ON "mod_chat_trigger_days"("site_id");

-- CreateIndex
CREATE INDEX "mod_chat_conversations_trigger_id_idx" ON "mod_chat_conversations"("trigger_id");

-- AddForeignKey
ALTER TABLE "mod_chat_conversations" ADD CONSTRAINT "mod_chat_conversations_trigger_id_fkey" FOREIGN KEY ("trigger_id") REFERENCES "mod_chat_triggers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_triggers" ADD CONSTRAINT "mod_chat_triggers_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_triggers" ADD CONSTRAINT "mod_chat_triggers_site_id_agent_id_fkey" FOREIGN KEY ("site_id", "agent_id") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_trigger_days" ADD CONSTRAINT "mod_chat_trigger_days_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_trigger_days" ADD CONSTRAINT "mod_chat_trigger_days_trigger_id_fkey" FOREIGN KEY ("trigger_id") REFERENCES "mod_chat_triggers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- From prisma/sql/policies/mod_chat_trigger_days.sql
-- Row-level security of mod_chat_trigger_days.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_trigger_days" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_trigger_days";
CREATE POLICY "site_isolation" ON "mod_chat_trigger_days" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- From prisma/sql/policies/mod_chat_triggers.sql
-- Row-level security of mod_chat_triggers.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_triggers" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_triggers";
CREATE POLICY "site_isolation" ON "mod_chat_triggers" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- By hand: the enumerated cap.
ALTER TABLE "mod_chat_triggers" ADD CONSTRAINT "mod_chat_triggers_cap_check" CHECK ("cap" IN ('page', 'session', 'days'));
