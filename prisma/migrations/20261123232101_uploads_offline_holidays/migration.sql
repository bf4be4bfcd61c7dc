-- Live Chat: uploads (files and images in chat), offline messages, holidays in business hours.
-- The statements down to the foreign keys were generated from prisma/schema.prisma; the
-- sections after them (CHECK constraints, row-level security, the lookup function) are written
-- by hand because Prisma's schema language cannot express them (see prisma/README.md).

-- AlterTable
ALTER TABLE "mod_chat_conversations" ADD COLUMN     "is_offline" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "mod_chat_widget_settings" ADD COLUMN     "holidays" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "mod_chat_uploads" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "visitor_id" UUID,
    "agent_id" UUID,
    "message_id" UUID,
    "name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_uploads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mod_chat_uploads_site_id_message_id_idx" ON "mod_chat_uploads"("site_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_messages_site_id_id_key" ON "mod_chat_messages"("site_id", "id");

-- AddForeignKey
ALTER TABLE "mod_chat_uploads" ADD CONSTRAINT "mod_chat_uploads_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_uploads" ADD CONSTRAINT "mod_chat_uploads_site_id_visitor_id_fkey" FOREIGN KEY ("site_id", "visitor_id") REFERENCES "mod_chat_visitors"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_uploads" ADD CONSTRAINT "mod_chat_uploads_site_id_agent_id_fkey" FOREIGN KEY ("site_id", "agent_id") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_uploads" ADD CONSTRAINT "mod_chat_uploads_site_id_message_id_fkey" FOREIGN KEY ("site_id", "message_id") REFERENCES "mod_chat_messages"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- CHECK constraints
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_uploads"
  -- exactly one uploader: a visitor or an agent
  ADD CONSTRAINT "mod_chat_uploads_uploader_check" CHECK (("visitor_id" IS NULL) <> ("agent_id" IS NULL)),
  ADD CONSTRAINT "mod_chat_uploads_size_check" CHECK ("size" > 0 AND "size" = octet_length("data")),
  ADD CONSTRAINT "mod_chat_uploads_content_type_check" CHECK (
    "content_type" IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'));

-- ---------------------------------------------------------------------------
-- Grants: the first migration's ALTER DEFAULT PRIVILEGES covers new tables when the same owner
-- runs this one; granted here too, so a database migrated by another owner works the same.
-- ---------------------------------------------------------------------------
GRANT SELECT, INSERT, UPDATE, DELETE ON "mod_chat_uploads" TO live_chat_app;

-- ---------------------------------------------------------------------------
-- Row-level security, as for every site-scoped table.
-- ---------------------------------------------------------------------------
ALTER TABLE "mod_chat_uploads" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "site_isolation" ON "mod_chat_uploads" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- ---------------------------------------------------------------------------
-- GET /uploads/:id/:name names no site: the unguessable upload id is the capability. This
-- function tells the server which site an upload belongs to (and nothing else), so the read
-- itself runs in that site's transaction under row-level security like every other query.
-- SECURITY DEFINER: it runs as the owner, whom the policy above does not restrict.
-- ---------------------------------------------------------------------------
CREATE FUNCTION "mod_chat_upload_site"(upload_id uuid) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT site_id FROM mod_chat_uploads WHERE id = upload_id $$;
REVOKE ALL ON FUNCTION "mod_chat_upload_site"(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "mod_chat_upload_site"(uuid) TO live_chat_app;
