-- AlterTable
ALTER TABLE "mod_chat_visitors" ADD COLUMN     "consents" JSONB NOT NULL DEFAULT '[]';
