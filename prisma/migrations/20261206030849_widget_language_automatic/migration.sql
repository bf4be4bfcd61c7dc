-- New sites' widgets speak the page's language, else the visitor's (an empty language: automatic).
-- Existing sites keep the language they have.
ALTER TABLE "mod_chat_widget_settings" ALTER COLUMN "language" SET DEFAULT '';
