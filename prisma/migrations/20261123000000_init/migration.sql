-- Live Chat: initial schema.
-- The tables, indexes and foreign keys below were generated from prisma/schema.prisma; the
-- sections after them (CHECK constraints, the application role, grants and row-level
-- security) are written by hand because Prisma's schema language cannot express them.

-- CreateTable
CREATE TABLE "agencies" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agencies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sites" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agency_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "identity_secret" TEXT NOT NULL,
    "allowed_origins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agency_id" UUID,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "avatar_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_agents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'agent',
    "display_name" TEXT,
    "avatar_url" TEXT,
    "title" TEXT,
    "status" TEXT NOT NULL DEFAULT 'offline',
    "status_message" TEXT,
    "max_concurrent_chats" INTEGER NOT NULL DEFAULT 5,
    "accept_new_chats" BOOLEAN NOT NULL DEFAULT true,
    "departments" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "total_conversations" INTEGER NOT NULL DEFAULT 0,
    "average_rating" DECIMAL(3,2),
    "last_assigned_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_visitors" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "external_id" TEXT,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "name" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "current_url" TEXT,
    "current_title" TEXT,
    "referrer_url" TEXT,
    "user_agent" TEXT,
    "ip_address" INET,
    "country_code" TEXT,
    "city" TEXT,
    "custom_data" JSONB NOT NULL DEFAULT '{}',
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_visitors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_conversations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "agency_id" UUID NOT NULL,
    "visitor_id" UUID NOT NULL,
    "client_key" TEXT,
    "assigned_agent_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "subject" TEXT,
    "rating" INTEGER,
    "rating_feedback" TEXT,
    "last_seq" INTEGER NOT NULL DEFAULT 0,
    "last_public_seq" INTEGER NOT NULL DEFAULT 0,
    "visitor_delivered_seq" INTEGER NOT NULL DEFAULT 0,
    "visitor_read_seq" INTEGER NOT NULL DEFAULT 0,
    "agent_delivered_seq" INTEGER NOT NULL DEFAULT 0,
    "agent_read_seq" INTEGER NOT NULL DEFAULT 0,
    "queued_at" TIMESTAMPTZ(3),
    "first_message_at" TIMESTAMPTZ(3),
    "last_message_at" TIMESTAMPTZ(3),
    "last_activity_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "first_response_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "client_id" TEXT,
    "sender_type" TEXT NOT NULL,
    "sender_id" UUID,
    "sender_name" TEXT,
    "message_type" TEXT NOT NULL DEFAULT 'text',
    "content" TEXT,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "is_private" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_canned_responses" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "shortcut" TEXT,
    "content" TEXT NOT NULL,
    "category" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_personal" BOOLEAN NOT NULL DEFAULT false,
    "created_by" UUID,
    "usage_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_canned_responses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_widget_settings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "agency_id" UUID NOT NULL,
    "primary_color" TEXT NOT NULL DEFAULT '#0066FF',
    "position" TEXT NOT NULL DEFAULT 'bottom-right',
    "widget_title" TEXT NOT NULL DEFAULT 'Chat with us',
    "welcome_message" TEXT NOT NULL DEFAULT 'Hi! How can we help you today?',
    "offline_message" TEXT NOT NULL DEFAULT 'We''re offline right now. Leave a message!',
    "avatar_url" TEXT,
    "show_agent_avatar" BOOLEAN NOT NULL DEFAULT true,
    "auto_open_delay" INTEGER,
    "show_on_mobile" BOOLEAN NOT NULL DEFAULT true,
    "require_email" BOOLEAN NOT NULL DEFAULT false,
    "pre_chat_enabled" BOOLEAN NOT NULL DEFAULT false,
    "pre_chat_fields" JSONB NOT NULL DEFAULT '[]',
    "business_hours_enabled" BOOLEAN NOT NULL DEFAULT false,
    "business_hours" JSONB NOT NULL DEFAULT '{}',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "sound_enabled" BOOLEAN NOT NULL DEFAULT true,
    "notification_sound" TEXT NOT NULL DEFAULT 'default',
    "language" TEXT NOT NULL DEFAULT 'en',
    "custom_translations" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_widget_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_analytics" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "total_conversations" INTEGER NOT NULL DEFAULT 0,
    "total_messages" INTEGER NOT NULL DEFAULT 0,
    "avg_first_response_seconds" INTEGER,
    "avg_resolution_seconds" INTEGER,
    "conversations_rated" INTEGER NOT NULL DEFAULT 0,
    "total_rating_sum" INTEGER NOT NULL DEFAULT 0,
    "avg_rating" DECIMAL(3,2),
    "conversations_resolved" INTEGER NOT NULL DEFAULT 0,
    "conversations_missed" INTEGER NOT NULL DEFAULT 0,
    "messages_by_agents" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_analytics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_nodes" (
    "id" UUID NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_connections" (
    "socket_id" TEXT NOT NULL,
    "node_id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "agent_id" UUID,
    "visitor_id" UUID,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_connections_pkey" PRIMARY KEY ("socket_id")
);

-- CreateIndex
CREATE INDEX "sites_agency_id_idx" ON "sites"("agency_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "mod_chat_agents_site_id_status_idx" ON "mod_chat_agents"("site_id", "status");

-- CreateIndex
CREATE INDEX "mod_chat_agents_user_id_idx" ON "mod_chat_agents"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_agents_site_id_user_id_key" ON "mod_chat_agents"("site_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_agents_site_id_id_key" ON "mod_chat_agents"("site_id", "id");

-- CreateIndex
CREATE INDEX "mod_chat_visitors_site_id_last_seen_at_idx" ON "mod_chat_visitors"("site_id", "last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_visitors_site_id_id_key" ON "mod_chat_visitors"("site_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_visitors_site_id_external_id_key" ON "mod_chat_visitors"("site_id", "external_id");

-- CreateIndex
CREATE INDEX "mod_chat_conversations_site_id_status_last_activity_at_id_idx" ON "mod_chat_conversations"("site_id", "status", "last_activity_at" DESC, "id");

-- CreateIndex
CREATE INDEX "mod_chat_conversations_site_id_last_activity_at_id_idx" ON "mod_chat_conversations"("site_id", "last_activity_at" DESC, "id");

-- CreateIndex
CREATE INDEX "mod_chat_conversations_site_id_assigned_agent_id_status_idx" ON "mod_chat_conversations"("site_id", "assigned_agent_id", "status");

-- CreateIndex
CREATE INDEX "mod_chat_conversations_site_id_status_queued_at_idx" ON "mod_chat_conversations"("site_id", "status", "queued_at");

-- CreateIndex
CREATE INDEX "mod_chat_conversations_site_id_visitor_id_idx" ON "mod_chat_conversations"("site_id", "visitor_id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_conversations_site_id_id_key" ON "mod_chat_conversations"("site_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_conversations_visitor_id_client_key_key" ON "mod_chat_conversations"("visitor_id", "client_key");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_messages_conversation_id_seq_key" ON "mod_chat_messages"("conversation_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_messages_conversation_id_client_id_key" ON "mod_chat_messages"("conversation_id", "client_id");

-- CreateIndex
CREATE INDEX "mod_chat_canned_responses_site_id_category_idx" ON "mod_chat_canned_responses"("site_id", "category");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_canned_responses_site_id_shortcut_key" ON "mod_chat_canned_responses"("site_id", "shortcut");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_widget_settings_site_id_key" ON "mod_chat_widget_settings"("site_id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_analytics_site_id_date_key" ON "mod_chat_analytics"("site_id", "date");

-- CreateIndex
CREATE INDEX "mod_chat_connections_site_id_kind_agent_id_idx" ON "mod_chat_connections"("site_id", "kind", "agent_id");

-- CreateIndex
CREATE INDEX "mod_chat_connections_site_id_visitor_id_idx" ON "mod_chat_connections"("site_id", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_connections_node_id_idx" ON "mod_chat_connections"("node_id");

-- AddForeignKey
ALTER TABLE "sites" ADD CONSTRAINT "sites_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_agents" ADD CONSTRAINT "mod_chat_agents_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_agents" ADD CONSTRAINT "mod_chat_agents_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_visitors" ADD CONSTRAINT "mod_chat_visitors_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_conversations" ADD CONSTRAINT "mod_chat_conversations_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_conversations" ADD CONSTRAINT "mod_chat_conversations_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_conversations" ADD CONSTRAINT "mod_chat_conversations_site_id_visitor_id_fkey" FOREIGN KEY ("site_id", "visitor_id") REFERENCES "mod_chat_visitors"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_conversations" ADD CONSTRAINT "mod_chat_conversations_site_id_assigned_agent_id_fkey" FOREIGN KEY ("site_id", "assigned_agent_id") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_messages" ADD CONSTRAINT "mod_chat_messages_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_messages" ADD CONSTRAINT "mod_chat_messages_site_id_conversation_id_fkey" FOREIGN KEY ("site_id", "conversation_id") REFERENCES "mod_chat_conversations"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_canned_responses" ADD CONSTRAINT "mod_chat_canned_responses_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_canned_responses" ADD CONSTRAINT "mod_chat_canned_responses_site_id_created_by_fkey" FOREIGN KEY ("site_id", "created_by") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_widget_settings" ADD CONSTRAINT "mod_chat_widget_settings_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_widget_settings" ADD CONSTRAINT "mod_chat_widget_settings_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_analytics" ADD CONSTRAINT "mod_chat_analytics_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_connections" ADD CONSTRAINT "mod_chat_connections_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "mod_chat_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_connections" ADD CONSTRAINT "mod_chat_connections_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------
-- CHECK constraints (the seed plan's, plus what the guarantees need)
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_agents"
  ADD CONSTRAINT "mod_chat_agents_role_check" CHECK ("role" IN ('admin', 'agent')),
  ADD CONSTRAINT "mod_chat_agents_status_check" CHECK ("status" IN ('online', 'away', 'busy', 'offline')),
  ADD CONSTRAINT "mod_chat_agents_capacity_check" CHECK ("max_concurrent_chats" >= 0);

ALTER TABLE "mod_chat_conversations"
  ADD CONSTRAINT "mod_chat_conversations_status_check" CHECK ("status" IN ('pending', 'active', 'resolved', 'closed')),
  ADD CONSTRAINT "mod_chat_conversations_priority_check" CHECK ("priority" IN ('low', 'normal', 'high', 'urgent')),
  ADD CONSTRAINT "mod_chat_conversations_rating_check" CHECK ("rating" >= 1 AND "rating" <= 5),
  ADD CONSTRAINT "mod_chat_conversations_seq_check" CHECK (
    "last_seq" >= 0 AND "last_public_seq" >= 0 AND "last_public_seq" <= "last_seq" AND "visitor_delivered_seq" >= 0 AND "visitor_read_seq" >= 0
    AND "agent_delivered_seq" >= 0 AND "agent_read_seq" >= 0);

ALTER TABLE "mod_chat_messages"
  ADD CONSTRAINT "mod_chat_messages_sender_type_check" CHECK ("sender_type" IN ('visitor', 'agent', 'system', 'bot')),
  ADD CONSTRAINT "mod_chat_messages_message_type_check" CHECK ("message_type" IN ('text', 'image', 'file', 'system')),
  ADD CONSTRAINT "mod_chat_messages_seq_check" CHECK ("seq" > 0),
  ADD CONSTRAINT "mod_chat_messages_private_check" CHECK (NOT "is_private" OR "sender_type" IN ('agent', 'system'));

ALTER TABLE "mod_chat_widget_settings"
  ADD CONSTRAINT "mod_chat_widget_settings_position_check" CHECK ("position" IN ('bottom-right', 'bottom-left'));

ALTER TABLE "mod_chat_connections"
  ADD CONSTRAINT "mod_chat_connections_kind_check" CHECK (
    ("kind" = 'agent' AND "agent_id" IS NOT NULL AND "visitor_id" IS NULL)
    OR ("kind" = 'visitor' AND "visitor_id" IS NOT NULL AND "agent_id" IS NULL));

-- ---------------------------------------------------------------------------
-- The application role: not a superuser and not the tables' owner, so row-level security
-- applies to every query it runs. The server connects as (or SET ROLEs to) this role.
-- Where the migrating user may not create roles, create it beforehand; this is skipped.
-- ---------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'live_chat_app') THEN
    CREATE ROLE live_chat_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  -- the migrating user may switch to the role (SET ROLE) when no separate login is configured
  BEGIN
    EXECUTE format('GRANT live_chat_app TO %I', current_user);
  EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN NULL;
  END;
END
$$;

GRANT USAGE ON SCHEMA public TO live_chat_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  "agencies", "sites", "users", "mod_chat_agents", "mod_chat_visitors", "mod_chat_conversations",
  "mod_chat_messages", "mod_chat_canned_responses", "mod_chat_widget_settings", "mod_chat_analytics",
  "mod_chat_nodes", "mod_chat_connections"
TO live_chat_app;
-- Tables added by later migrations (run by the same owner) are granted automatically.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO live_chat_app;

-- ---------------------------------------------------------------------------
-- Row-level security: every site-scoped table shows and accepts only the rows of the site set
-- for the current transaction (set_config('app.site_id', <id>, true)). With no site set, a
-- query sees nothing. nullif() because a transaction-local setting reads '' after it ends.
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_visitors" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_conversations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_messages" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_agents" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_canned_responses" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_widget_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_analytics" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mod_chat_connections" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "site_isolation" ON "mod_chat_visitors" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

CREATE POLICY "site_isolation" ON "mod_chat_conversations" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- Messages carry their site_id (the seed's policy joined through conversations on every row).
CREATE POLICY "site_isolation" ON "mod_chat_messages" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

CREATE POLICY "site_isolation" ON "mod_chat_agents" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);
-- An authenticated user may also read their own memberships of every site (to list them at login).
CREATE POLICY "own_memberships" ON "mod_chat_agents" FOR SELECT
  USING ("user_id" = nullif(current_setting('app.user_id', true), '')::uuid);

CREATE POLICY "site_isolation" ON "mod_chat_canned_responses" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

CREATE POLICY "site_isolation" ON "mod_chat_widget_settings" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

CREATE POLICY "site_isolation" ON "mod_chat_analytics" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

CREATE POLICY "site_isolation" ON "mod_chat_connections" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);
