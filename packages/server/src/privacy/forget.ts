// Removing what a site holds about conversations, in the caller's transaction: the pieces that
// erasing a visitor (erase.ts) and retention (retention.ts) share.
//
// Deleting a conversation takes everything that hangs on it by a foreign key: its messages, their
// earlier texts (mod_chat_message_edits), the files attached to them (the bytes are rows of
// mod_chat_uploads: see uploads/service.ts), its pending emails, its viewers and its row of the
// inbox's order; the full-text search columns are generated from the rows, so they go too. What
// holds a copy without a foreign key is removed here by name: webhook deliveries (pending ones and
// the delivery log) and the outbox's events not dispatched yet. Analytics keep the anonymous figures
// of deleted conversations first (analytics/removed.ts), so no past figure changes.
import type { Tx } from '../shared/db/index.js'
import { keepFigures } from '../analytics/removed.js'

/** What was removed. */
export interface Removed {
  conversations: number
  messages: number
  /** Uploaded files (rows with their bytes). */
  files: number
}

export const NOTHING: Removed = { conversations: 0, messages: 0, files: 0 }

/** Deletes the site's conversations `ids` (locked by the caller) with everything of theirs. */
export async function deleteConversations(tx: Tx, siteId: string, ids: readonly string[]): Promise<Removed> {
  if (ids.length === 0) return NOTHING
  const [held] = await tx.$queryRaw<{ messages: number; files: number }[]>`
    SELECT (SELECT count(*)::int FROM mod_chat_messages m WHERE m.site_id = ${siteId}::uuid AND m.conversation_id = ANY (${ids}::uuid[])) AS messages,
           (SELECT count(*)::int FROM mod_chat_uploads u JOIN mod_chat_messages m ON m.id = u.message_id
            WHERE u.site_id = ${siteId}::uuid AND m.conversation_id = ANY (${ids}::uuid[])) AS files`
  await keepFigures(tx, siteId, ids)
  await forgetCopies(tx, siteId, ids)
  const conversations = await tx.$executeRaw`DELETE FROM mod_chat_conversations WHERE site_id = ${siteId}::uuid AND id = ANY (${ids}::uuid[])`
  return { conversations, messages: held!.messages, files: held!.files }
}

/**
 * Webhook deliveries (pending, delivered or failed: the log keeps bodies, and retries and
 * redeliveries send them) and outbox events about the site's conversations `ids`. A delivery is
 * about a conversation when its body names it: `data.conversation` (conversation events),
 * `data.message` (message events) or `data.conversationId` (assigned, resolved).
 */
export async function forgetCopies(tx: Tx, siteId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await tx.$executeRaw`
    DELETE FROM mod_chat_webhook_deliveries d
    WHERE d.site_id = ${siteId}::uuid
      AND coalesce(d.payload #>> '{data,conversation,id}', d.payload #>> '{data,message,conversationId}', d.payload #>> '{data,conversationId}') = ANY (${ids}::text[])`
  await tx.$executeRaw`DELETE FROM mod_chat_events WHERE site_id = ${siteId}::uuid AND conversation_id = ANY (${ids}::uuid[])`
}
