
-- AlterTable
ALTER TABLE "mod_chat_conversations" ADD COLUMN     "team_id" UUID;

-- AlterTable
ALTER TABLE "mod_chat_triggers" ADD COLUMN     "team_id" UUID;

-- CreateTable
CREATE TABLE "mod_chat_teams" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_team_members" (
    "site_id" UUID NOT NULL,
    "team_id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,

    CONSTRAINT "mod_chat_team_members_pkey" PRIMARY KEY ("team_id","agent_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_teams_site_id_id_key" ON "mod_chat_teams"("site_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_teams_site_id_name_key" ON "mod_chat_teams"("site_id", "name");

-- CreateIndex
CREATE INDEX "mod_chat_team_members_site_id_agent_id_idx" ON "mod_chat_team_members"("site_id", "agent_id");

-- CreateIndex
CREATE INDEX "mod_chat_conversations_site_id_team_id_status_idx" ON "mod_chat_conversations"("site_id", "team_id", "status");

-- AddForeignKey
ALTER TABLE "mod_chat_conversations" ADD CONSTRAINT "mod_chat_conversations_site_id_team_id_fkey" FOREIGN KEY ("site_id", "team_id") REFERENCES "mod_chat_teams"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_triggers" ADD CONSTRAINT "mod_chat_triggers_site_id_team_id_fkey" FOREIGN KEY ("site_id", "team_id") REFERENCES "mod_chat_teams"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_teams" ADD CONSTRAINT "mod_chat_teams_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_team_members" ADD CONSTRAINT "mod_chat_team_members_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_team_members" ADD CONSTRAINT "mod_chat_team_members_site_id_team_id_fkey" FOREIGN KEY ("site_id", "team_id") REFERENCES "mod_chat_teams"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_team_members" ADD CONSTRAINT "mod_chat_team_members_site_id_agent_id_fkey" FOREIGN KEY ("site_id", "agent_id") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- From prisma/sql/policies/mod_chat_team_members.sql
-- Row-level security of mod_chat_team_members.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_team_members" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_team_members";
CREATE POLICY "site_isolation" ON "mod_chat_team_members" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- From prisma/sql/policies/mod_chat_teams.sql
-- Row-level security of mod_chat_teams.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_teams" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_teams";
CREATE POLICY "site_isolation" ON "mod_chat_teams" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- Agents' departments (labels until now) become teams: one per distinct name of a site, its
-- members the agents who had it.
INSERT INTO "mod_chat_teams" ("site_id", "name")
  SELECT DISTINCT a.site_id, d.name FROM "mod_chat_agents" a CROSS JOIN LATERAL unnest(a.departments) AS d(name);
INSERT INTO "mod_chat_team_members" ("site_id", "team_id", "agent_id")
  SELECT DISTINCT a.site_id, t.id, a.id FROM "mod_chat_agents" a CROSS JOIN LATERAL unnest(a.departments) AS d(name)
  JOIN "mod_chat_teams" t ON t.site_id = a.site_id AND t.name = d.name;

-- AlterTable
ALTER TABLE "mod_chat_agents" DROP COLUMN "departments";
