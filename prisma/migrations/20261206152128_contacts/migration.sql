-- AlterTable
ALTER TABLE "mod_chat_visitors" ADD COLUMN     "company" TEXT,
ADD COLUMN     "merged_into_id" UUID;

-- CreateTable
CREATE TABLE "mod_chat_contact_attributes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "options" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "visitor_may_set" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_contact_attributes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mod_chat_contact_attribute_values" (
    "site_id" UUID NOT NULL,
    "visitor_id" UUID NOT NULL,
    "attribute_id" UUID NOT NULL,
    "text_value" TEXT,
    "number_value" DOUBLE PRECISION,
    "date_value" DATE,
    "bool_value" BOOLEAN,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_contact_attribute_values_pkey" PRIMARY KEY ("visitor_id","attribute_id")
);

-- CreateTable
CREATE TABLE "mod_chat_contact_notes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "site_id" UUID NOT NULL,
    "visitor_id" UUID NOT NULL,
    "author_id" UUID,
    "author_name" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mod_chat_contact_notes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_contact_attributes_site_id_id_key" ON "mod_chat_contact_attributes"("site_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "mod_chat_contact_attributes_site_id_key_key" ON "mod_chat_contact_attributes"("site_id", "key");

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_attribute_id_text_value_v_idx" ON "mod_chat_contact_attribute_values"("attribute_id", "text_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_attribute_id_number_value_idx" ON "mod_chat_contact_attribute_values"("attribute_id", "number_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_attribute_id_date_value_v_idx" ON "mod_chat_contact_attribute_values"("attribute_id", "date_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_contact_attribute_values_attribute_id_bool_value_v_idx" ON "mod_chat_contact_attribute_values"("attribute_id", "bool_value", "visitor_id");

-- CreateIndex
CREATE INDEX "mod_chat_contact_notes_site_id_visitor_id_created_at_idx" ON "mod_chat_contact_notes"("site_id", "visitor_id", "created_at");

-- CreateIndex
CREATE INDEX "mod_chat_visitors_site_id_merged_into_id_idx" ON "mod_chat_visitors"("site_id", "merged_into_id");

-- AddForeignKey
ALTER TABLE "mod_chat_visitors" ADD CONSTRAINT "mod_chat_visitors_site_id_merged_into_id_fkey" FOREIGN KEY ("site_id", "merged_into_id") REFERENCES "mod_chat_visitors"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_contact_attributes" ADD CONSTRAINT "mod_chat_contact_attributes_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_contact_attribute_values" ADD CONSTRAINT "mod_chat_contact_attribute_values_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_contact_attribute_values" ADD CONSTRAINT "mod_chat_contact_attribute_values_site_id_visitor_id_fkey" FOREIGN KEY ("site_id", "visitor_id") REFERENCES "mod_chat_visitors"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_contact_attribute_values" ADD CONSTRAINT "mod_chat_contact_attribute_values_site_id_attribute_id_fkey" FOREIGN KEY ("site_id", "attribute_id") REFERENCES "mod_chat_contact_attributes"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_contact_notes" ADD CONSTRAINT "mod_chat_contact_notes_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_contact_notes" ADD CONSTRAINT "mod_chat_contact_notes_site_id_visitor_id_fkey" FOREIGN KEY ("site_id", "visitor_id") REFERENCES "mod_chat_visitors"("site_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mod_chat_contact_notes" ADD CONSTRAINT "mod_chat_contact_notes_site_id_author_id_fkey" FOREIGN KEY ("site_id", "author_id") REFERENCES "mod_chat_agents"("site_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- From prisma/sql/policies/mod_chat_contact_attribute_values.sql
-- Row-level security of mod_chat_contact_attribute_values.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_contact_attribute_values" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_contact_attribute_values";
CREATE POLICY "site_isolation" ON "mod_chat_contact_attribute_values" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- From prisma/sql/policies/mod_chat_contact_attributes.sql
-- Row-level security of mod_chat_contact_attributes.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_contact_attributes" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_contact_attributes";
CREATE POLICY "site_isolation" ON "mod_chat_contact_attributes" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- From prisma/sql/policies/mod_chat_contact_notes.sql
-- Row-level security of mod_chat_contact_notes.
-- site_isolation: the table shows and accepts only the rows of the site set for the current
-- transaction (set_config('app.site_id', <id>, true)); with no site set, a query sees nothing.

ALTER TABLE "mod_chat_contact_notes" ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "site_isolation" ON "mod_chat_contact_notes";
CREATE POLICY "site_isolation" ON "mod_chat_contact_notes" FOR ALL
  USING ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid)
  WITH CHECK ("site_id" = nullif(current_setting('app.site_id', true), '')::uuid);

-- CHECK constraints: an attribute's type is one of five; a list has options; a tombstone is not its own survivor.
ALTER TABLE "mod_chat_contact_attributes"
  ADD CONSTRAINT "mod_chat_contact_attributes_type_check" CHECK ("type" IN ('text', 'number', 'date', 'list', 'boolean')),
  ADD CONSTRAINT "mod_chat_contact_attributes_options_check" CHECK (("type" = 'list') = (cardinality("options") > 0));
ALTER TABLE "mod_chat_visitors"
  ADD CONSTRAINT "mod_chat_visitors_merged_into_check" CHECK ("merged_into_id" IS DISTINCT FROM "id");
