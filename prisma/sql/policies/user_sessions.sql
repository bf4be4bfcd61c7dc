-- Row-level security of user_sessions.
-- own_sessions: a user's sessions, only to that user (app.user_id).

ALTER TABLE "user_sessions" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "own_sessions" ON "user_sessions";
CREATE POLICY "own_sessions" ON "user_sessions" FOR ALL
  USING ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid);
