// Erasing a visitor: their personal data, everywhere it lives, in one transaction (nothing is ever
// half-erased). Where it lives, and how each goes:
// - their row (profile, pages seen, consents, address and browser, the host's user id for them):
//   deleted; with it, by foreign keys, the files they uploaded but never sent;
// - their conversations with everything that hangs on them (messages and earlier texts, attached
//   files' bytes, pending emails, viewers), the webhook deliveries and outbox events about them:
//   forget.ts; analytics keep only their anonymous figures (analytics/removed.ts);
// - their live presence (mod_chat_connections, which has no foreign key): deleted; their sockets on
//   every process are disconnected once it commits (a NOTIFY, see watchErasedVisitors);
// - the audit log: texts in events of the site that hold their name, email, phone or the host's
//   user id for them become "[erased]" (mod_chat_audit_erase, the one change the app may make there).
// Typing indicators are never stored (only broadcast), so there is nothing to remove.
//
// Uploaded files are rows of Postgres (uploads/service.ts), so their bytes go in the same
// transaction as the rest: there is no second store to clean up after the commit.
import type { Tx } from '../shared/db/index.js'
import type { Database } from '../shared/db/index.js'
import { notFound } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import { isUuid } from '../shared/params.js'
import { rooms, type AgentNamespace, type VisitorNamespace } from '../realtime/types.js'
import { deleteConversations, type Removed } from './forget.js'

export const VISITOR_ERASED_CHANNEL = 'live_chat_visitor_erased'

export interface Erased extends Removed {
  /** Their conversations' ids (for the `visitor.erased` webhook event). */
  conversationIds: string[]
}

/** Erases the visitor in the caller's transaction (scoped to the site and its agency); `not_found` when the site has no such visitor. */
export async function eraseVisitor(tx: Tx, siteId: string, visitorId: string): Promise<Erased> {
  // Locked first: a conversation started meanwhile waits for the commit, then finds no visitor.
  const [visitor] = await tx.$queryRaw<{ name: string | null; email: string | null; phone: string | null; externalId: string | null }[]>`
    SELECT name, email, phone, external_id AS "externalId" FROM mod_chat_visitors
    WHERE site_id = ${siteId}::uuid AND id = ${visitorId}::uuid FOR UPDATE`
  if (!visitor) throw notFound('visitor')
  const conversations = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM mod_chat_conversations WHERE site_id = ${siteId}::uuid AND visitor_id = ${visitorId}::uuid ORDER BY created_at FOR UPDATE`
  const conversationIds = conversations.map((c) => c.id)
  const removed = await deleteConversations(tx, siteId, conversationIds)
  const [unsent] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM mod_chat_uploads WHERE site_id = ${siteId}::uuid AND visitor_id = ${visitorId}::uuid`
  await tx.$executeRaw`DELETE FROM mod_chat_connections WHERE site_id = ${siteId}::uuid AND visitor_id = ${visitorId}::uuid`
  await tx.$executeRaw`DELETE FROM mod_chat_visitors WHERE site_id = ${siteId}::uuid AND id = ${visitorId}::uuid`
  const terms = [visitor.name, visitor.email, visitor.phone, visitor.externalId].filter((t): t is string => !!t)
  if (terms.length > 0) await tx.$queryRaw`SELECT mod_chat_audit_erase(${terms}::text[])`
  await tx.$executeRaw`SELECT pg_notify(${VISITOR_ERASED_CHANNEL}, ${`${siteId}:${visitorId}`})`
  return { ...removed, files: removed.files + unsent!.n, conversationIds }
}

/**
 * An erased visitor's live sockets end on every server process, and every agent of the site is
 * told (`visitor:erased`: dashboards drop their conversations): the erasing transaction's NOTIFY
 * (delivered when it commits) reaches each process, which acts on its own sockets. The visitor's
 * token then names nobody: connecting again is refused (`unauthorized`).
 */
export function watchErasedVisitors(db: Database, visitors: VisitorNamespace, agents: AgentNamespace, log: Logger): Promise<() => Promise<void>> {
  return db.listen(VISITOR_ERASED_CHANNEL, (payload) => {
    const [siteId, visitorId] = payload.split(':')
    if (!isUuid(siteId) || !isUuid(visitorId)) return void log.warn('visitor erased notice: not a site and visitor id')
    visitors.local.in(rooms.visitor(visitorId)).disconnectSockets(true)
    agents.local.to(rooms.siteAgents(siteId)).emit('visitor:erased', { visitorId })
  })
}
