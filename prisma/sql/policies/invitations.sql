-- Row-level security of invitations.
-- agency_isolation: only the rows of the agency set for the transaction (app.agency_id).
-- lookup_by_id: a row may also be read by its own id when the transaction names it in
-- app.lookup_id: how a secret link or key is looked up before its tenant is known (the token's
-- secret is then compared in constant time by the application).

ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "agency_isolation" ON "invitations";
CREATE POLICY "agency_isolation" ON "invitations" FOR ALL
  USING ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid)
  WITH CHECK ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid);

DROP POLICY IF EXISTS "lookup_by_id" ON "invitations";
CREATE POLICY "lookup_by_id" ON "invitations" FOR SELECT
  USING ("id" = nullif(current_setting('app.lookup_id', true), '')::uuid);
