-- AlterTable
ALTER TABLE "agencies" ADD COLUMN     "require_two_factor" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "mod_chat_agents" ADD COLUMN     "removed_at" TIMESTAMPTZ(3),
ADD COLUMN     "via_agency" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "sites" ADD COLUMN     "identity_secret_rotated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "previous_identity_secret" TEXT,
ADD COLUMN     "previous_secret_expires_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "agency_role" TEXT NOT NULL DEFAULT 'member',
ADD COLUMN     "deactivated_at" TIMESTAMPTZ(3),
ADD COLUMN     "password_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "recovery_code_hashes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "totp_enabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "totp_last_step" BIGINT,
ADD COLUMN     "totp_pending_secret" TEXT,
ADD COLUMN     "totp_secret" TEXT;

-- CreateTable
CREATE TABLE "user_sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "device" TEXT NOT NULL,
    "user_agent" TEXT,
    "ip" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,

    CONSTRAINT "user_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invitations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agency_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "agency_role" TEXT NOT NULL DEFAULT 'member',
    "sites" JSONB NOT NULL DEFAULT '[]',
    "token_hash" TEXT NOT NULL,
    "invited_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "accepted_user_id" UUID,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "password_resets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "ip" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "password_resets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "setup_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "setup_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agency_id" UUID NOT NULL,
    "site_id" UUID,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agency_id" UUID NOT NULL,
    "site_id" UUID,
    "action" TEXT NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" UUID,
    "actor_label" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "target_label" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "user_sessions_user_id_revoked_at_idx" ON "user_sessions"("user_id", "revoked_at");

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");

-- CreateIndex
CREATE INDEX "invitations_agency_id_created_at_idx" ON "invitations"("agency_id", "created_at");

-- CreateIndex
CREATE INDEX "invitations_email_idx" ON "invitations"("email");

-- CreateIndex
CREATE UNIQUE INDEX "password_resets_token_hash_key" ON "password_resets"("token_hash");

-- CreateIndex
CREATE INDEX "password_resets_user_id_idx" ON "password_resets"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "setup_tokens_token_hash_key" ON "setup_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_keys_agency_id_created_at_idx" ON "api_keys"("agency_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_agency_id_created_at_id_idx" ON "audit_events"("agency_id", "created_at" DESC, "id");

-- CreateIndex
CREATE INDEX "audit_events_agency_id_action_created_at_idx" ON "audit_events"("agency_id", "action", "created_at" DESC);

-- CreateIndex
CREATE INDEX "users_agency_id_idx" ON "users"("agency_id");

-- AddForeignKey
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- CHECK constraints
-- ---------------------------------------------------------------------------
ALTER TABLE "users"
  ADD CONSTRAINT "users_agency_role_check" CHECK ("agency_role" IN ('owner', 'admin', 'member'));
ALTER TABLE "invitations"
  ADD CONSTRAINT "invitations_agency_role_check" CHECK ("agency_role" IN ('admin', 'member'));
ALTER TABLE "audit_events"
  ADD CONSTRAINT "audit_events_actor_type_check" CHECK ("actor_type" IN ('user', 'api_key', 'operator', 'system'));
ALTER TABLE "api_keys"
  ADD CONSTRAINT "api_keys_scopes_check" CHECK (cardinality("scopes") > 0);

-- ---------------------------------------------------------------------------
-- Existing data: a user without an agency joins the agency of their first site, and in an
-- agency without an owner, its oldest user who administers one of its sites becomes the owner
-- (so that someone can manage it after the upgrade).
-- ---------------------------------------------------------------------------
UPDATE "users" u SET "agency_id" = first.agency_id
FROM (
  SELECT DISTINCT ON (a.user_id) a.user_id, s.agency_id
  FROM "mod_chat_agents" a JOIN "sites" s ON s.id = a.site_id
  ORDER BY a.user_id, a.created_at
) first
WHERE u.id = first.user_id AND u.agency_id IS NULL;

UPDATE "users" u SET "agency_role" = 'owner'
FROM (
  SELECT DISTINCT ON (u2.agency_id) u2.id
  FROM "users" u2
  WHERE u2.agency_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM "mod_chat_agents" a WHERE a.user_id = u2.id AND a.role = 'admin')
    AND NOT EXISTS (SELECT 1 FROM "users" o WHERE o.agency_id = u2.agency_id AND o.agency_role = 'owner')
  ORDER BY u2.agency_id, u2.created_at
) oldest
WHERE u.id = oldest.id;

-- ---------------------------------------------------------------------------
-- Row-level security for the new tables. Besides the tenant setting, a row may be read by its
-- own id when the transaction names it in app.lookup_id: that is how a secret link or key is
-- looked up before its tenant is known (the id comes from the token; the token's secret is
-- then compared in constant time by the application).
-- ---------------------------------------------------------------------------
ALTER TABLE "user_sessions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "password_resets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_events" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "own_sessions" ON "user_sessions" FOR ALL
  USING ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid);

CREATE POLICY "agency_isolation" ON "invitations" FOR ALL
  USING ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid)
  WITH CHECK ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid);
CREATE POLICY "lookup_by_id" ON "invitations" FOR SELECT
  USING ("id" = nullif(current_setting('app.lookup_id', true), '')::uuid);

CREATE POLICY "own_resets" ON "password_resets" FOR ALL
  USING ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid);
CREATE POLICY "lookup_by_id" ON "password_resets" FOR SELECT
  USING ("id" = nullif(current_setting('app.lookup_id', true), '')::uuid);

CREATE POLICY "agency_isolation" ON "api_keys" FOR ALL
  USING ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid)
  WITH CHECK ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid);
CREATE POLICY "lookup_by_id" ON "api_keys" FOR SELECT
  USING ("id" = nullif(current_setting('app.lookup_id', true), '')::uuid);

CREATE POLICY "agency_isolation" ON "audit_events" FOR ALL
  USING ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid)
  WITH CHECK ("agency_id" = nullif(current_setting('app.agency_id', true), '')::uuid);

-- An agency's owners and admins list the memberships of every site of their agency.
CREATE POLICY "agency_memberships" ON "mod_chat_agents" FOR SELECT
  USING ("site_id" IN (SELECT s.id FROM "sites" s WHERE s.agency_id = nullif(current_setting('app.agency_id', true), '')::uuid));

-- The audit log is append-only for the application: it may read and add, never change or delete.
-- (Deleting an agency still removes its events: foreign-key cascades run as the table owner.)
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events" FROM live_chat_app;
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;
