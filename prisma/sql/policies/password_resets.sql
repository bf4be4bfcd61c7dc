-- Row-level security of password_resets.
-- own_resets: a user's password resets, only to that user (app.user_id).
-- lookup_by_id: a row may also be read by its own id when the transaction names it in
-- app.lookup_id: how a secret link or key is looked up before its tenant is known (the token's
-- secret is then compared in constant time by the application).

ALTER TABLE "password_resets" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "own_resets" ON "password_resets";
CREATE POLICY "own_resets" ON "password_resets" FOR ALL
  USING ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid);

DROP POLICY IF EXISTS "lookup_by_id" ON "password_resets";
CREATE POLICY "lookup_by_id" ON "password_resets" FOR SELECT
  USING ("id" = nullif(current_setting('app.lookup_id', true), '')::uuid);
