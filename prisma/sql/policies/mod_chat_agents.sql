-- Row-level security of mod_chat_agents.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.
-- own_memberships: an authenticated user (app.user_id) also reads their own memberships of every
-- site (to list them at login).
-- agency_memberships: an agency's owners and admins (app.agency_id) list the memberships of every
-- site of their agency.

ALTER TABLE "mod_chat_agents" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_agents";
CREATE POLICY "site_isolation" ON "mod_chat_agents" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

DROP POLICY IF EXISTS "own_memberships" ON "mod_chat_agents";
CREATE POLICY "own_memberships" ON "mod_chat_agents" FOR SELECT
  USING ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid);

DROP POLICY IF EXISTS "agency_memberships" ON "mod_chat_agents";
CREATE POLICY "agency_memberships" ON "mod_chat_agents" FOR SELECT
  USING ("site_id" IN (SELECT s.id FROM "sites" s WHERE s.agency_id = nullif(current_setting('app.agency_id', true), '')::uuid));
