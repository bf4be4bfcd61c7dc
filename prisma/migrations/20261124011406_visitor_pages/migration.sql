-- The last pages a visitor saw (oldest first, at most 20), for the agents' visitor panel.
-- AlterTable
ALTER TABLE "mod_chat_visitors" ADD COLUMN     "pages" JSONB NOT NULL DEFAULT '[]';
