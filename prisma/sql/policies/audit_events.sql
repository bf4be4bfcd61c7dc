-- Row-level security of audit_events.
-- agency_isolation: only the rows of the agency set for the transaction (app.agency_id).
-- (The app may only read and add events: its grants, in 20261205151934_accounts, exclude UPDATE and DELETE.)

ALTER TABLE "audit_events" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "agency_isolation" ON "audit_events";
CREATE POLICY "agency_isolation" ON "audit_events" FOR ALL
  USING ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid)
  WITH CHECK ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid);
