-- mod_chat_message_page returns the edit columns (edited_at, deleted_at, rev) now: its return type changes.
DROP FUNCTION "mod_chat_message_page"(uuid, uuid, uuid, integer, integer, integer);
